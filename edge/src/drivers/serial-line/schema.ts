/** The `source:` block of a serial-line sensor. Defined in shared (one contract); re-exported for the driver. */
export { SerialLineSource as schema } from '@vigia/shared';
