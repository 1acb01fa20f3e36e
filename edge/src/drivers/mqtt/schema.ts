/** The `source:` block of an MQTT sensor. Defined in shared (one contract); re-exported for the driver. */
export { MqttSource as schema } from '@vigia/shared';
