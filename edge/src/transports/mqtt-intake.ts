/**
 * @module transports/mqtt-intake
 * Where MQTT messages enter the agent: the embedded broker, or a client of an existing broker.
 * Both give the same promise: a QoS 1 message is acknowledged to its sender only after the
 * handler resolved, i.e. after its readings are committed to the buffer. If the handler fails
 * (or none is attached yet), the message is not acknowledged and the sender resends it later.
 */
import type { ComponentStatus } from '@vigia/shared';

/** Resolves once the message is safely handled; rejects to withhold the acknowledgement. */
export type MessageHandler = (topic: string, payload: Uint8Array) => Promise<void>;

export type MqttIntake = {
  readonly kind: 'embedded' | 'external';
  /** e.g. `mqtt://0.0.0.0:1883` (the real port once started). */
  address(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sets the handler for the sensor topics given at creation. */
  attach(handler: MessageHandler): void;
  detach(): void;
  /**
   * Publishes a message of the agent's own (the local safety alarms), QoS 1. Resolves once the
   * broker took it (embedded: delivered to the subscribers; external: PUBACK); rejects if the
   * intake is not running.
   */
  publish(topic: string, payload: string, opts: { retain: boolean }): Promise<void>;
  status(): ComponentStatus;
};
