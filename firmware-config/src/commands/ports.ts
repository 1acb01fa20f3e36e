/** `vigia-config ports`: serial ports the OS enumerates, to find the USB-RS485 adapter. */
import { SerialPort } from 'serialport';

export async function ports(_args: string[]): Promise<number> {
  const list = await SerialPort.list();
  if (list.length === 0) {
    console.log('No serial ports found. Plug in the USB-RS485 adapter and run this again; check "dmesg | tail".');
    return 0;
  }
  for (const p of list) {
    const details = [
      p.manufacturer,
      p.serialNumber && `serial ${p.serialNumber}`,
      p.vendorId && `usb ${p.vendorId}:${p.productId}`,
    ]
      .filter(Boolean)
      .join(', ');
    console.log(details ? `${p.path}\t${details}` : p.path);
  }
  return 0;
}
