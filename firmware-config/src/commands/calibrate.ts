/**
 * `vigia-config calibrate`: works out the `calibrate:` block of a sensor and shows what it does.
 * - two-point: `--raw1 4 --value1 0 --raw2 20 --value2 100` (two raw readings and the true
 *   values, e.g. from reference solutions or a calibrated meter);
 * - scale/offset: `--scale 6.25 --offset -25`, to check a block before pasting it.
 * `--raw x` shows the value for a raw reading. `--sensor <id> [--api URL]` reads the sensor's
 * current raw value from the running agent (`GET /sensors`), and `--raw1 now` / `--raw2 now`
 * take that value as a point, so a calibration can be done step by step, from scripts too.
 * The technician password (password.ts: `--password-file FILE`, else a prompt on a terminal) is
 * needed only when the agent has a viewer password and is reached from another machine: it is
 * asked for when the agent answers 401.
 */
import { parseArgs } from 'node:util';
import { calibrate as apply, EdgeSensors } from '@vigia/shared';
import { buildCalibration, type CalibrationInput, calibrationYaml, lineOf, tidy } from '../calibration.ts';
import { getAsTechnician, technicianAuth } from '../password.ts';

const USAGE = `usage: vigia-config calibrate --raw1 <raw> --value1 <value> --raw2 <raw> --value2 <value> [--raw x]
       vigia-config calibrate --scale <s> [--offset <o>] [--raw x]
       vigia-config calibrate --sensor <id> [--api http://127.0.0.1:8081] [--password-file FILE]   (the raw value now)
  with --sensor, --raw1 now / --raw2 now use the sensor's raw value now`;

type SensorNow = { id: string; unit: string; raw: number; value: number; ts: number };

async function readSensor(api: string, id: string, passwordFile?: string): Promise<SensorNow | string> {
  const url = new URL('/sensors', api);
  const auth = passwordFile ? await technicianAuth(passwordFile) : {};
  if (typeof auth === 'string') return auth;
  let res: Response | string;
  try {
    // without --password-file, a 401 asks for the technician's password (a prompt)
    res = await getAsTechnician(url, auth, passwordFile ? undefined : () => technicianAuth(undefined));
  } catch {
    return `No answer from the agent at ${url.origin}. Is vigia-edge running? (systemctl status vigia-edge)`;
  }
  if (typeof res === 'string') return res;
  if (!res.ok) return `The agent answered ${res.status} at ${url}: ${await res.text()}`;
  const body = EdgeSensors.safeParse(await res.json().catch(() => null));
  if (!body.success)
    return `The agent at ${url.origin} sent an unexpected answer to GET /sensors; is it a vigia-edge of the same version?`;
  const sensor = body.data.sensors.find((s) => s.id === id);
  if (!sensor)
    return `The agent has no sensor "${id}". Its sensors: ${body.data.sensors.map((s) => s.id).join(', ') || '(none)'}`;
  if (!sensor.latest)
    return `Sensor ${id} has no reading yet — check it with "vigia-config status" or "vigia-config probe" (it goes through the running agent)`;
  return { id, unit: sensor.unit, ...sensor.latest };
}

export async function calibrate(args: string[]): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args,
      options: {
        raw1: { type: 'string' },
        value1: { type: 'string' },
        raw2: { type: 'string' },
        value2: { type: 'string' },
        scale: { type: 'string' },
        offset: { type: 'string' },
        raw: { type: 'string' },
        sensor: { type: 'string' },
        api: { type: 'string', default: 'http://127.0.0.1:8081' },
        'password-file': { type: 'string' },
      },
    }).values;
  } catch (err) {
    console.error(`vigia-config calibrate: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }

  let now: SensorNow | undefined;
  if (values.sensor) {
    const r = await readSensor(values.api as string, values.sensor, values['password-file'] as string | undefined);
    if (typeof r === 'string') {
      console.error(r);
      return 1;
    }
    now = r;
    const age = Math.max(0, Math.round((Date.now() - r.ts) / 1000));
    console.log(
      `${r.id}: raw now ${tidy(r.raw)} (hace ${age} s); with its current calibration: ${tidy(r.value)} ${r.unit}`,
    );
  }

  const number = (name: string): number | undefined | string => {
    const text = values[name];
    if (text === undefined) return undefined;
    if (text === 'now' && (name === 'raw1' || name === 'raw2' || name === 'raw')) {
      if (!now) return `--${name} now needs --sensor <id>, to read the raw value from the agent`;
      return now.raw;
    }
    const x = Number(text);
    return text.trim() !== '' && Number.isFinite(x)
      ? x
      : `--${name}: "${text}" is not a number (use a dot for decimals: 12.5)`;
  };
  const nums: Record<string, number | undefined> = {};
  for (const name of ['raw1', 'value1', 'raw2', 'value2', 'scale', 'offset', 'raw']) {
    const x = number(name);
    if (typeof x === 'string') {
      console.error(`vigia-config calibrate: ${x}`);
      return 2;
    }
    nums[name] = x;
  }

  const twoPoint = ['raw1', 'value1', 'raw2', 'value2'].filter((k) => nums[k] !== undefined);
  const scaled = nums.scale !== undefined || nums.offset !== undefined;
  let input: CalibrationInput;
  if (twoPoint.length > 0) {
    if (scaled) {
      console.error('vigia-config calibrate: give either the two points (--raw1 …) or --scale/--offset, not both');
      return 2;
    }
    const missing = ['raw1', 'value1', 'raw2', 'value2'].filter((k) => nums[k] === undefined);
    if (missing.length) {
      console.error(
        `vigia-config calibrate: two-point needs ${missing.map((m) => `--${m}`).join(', ')} too\n\n${USAGE}`,
      );
      return 2;
    }
    input = {
      kind: 'two-point',
      raw1: nums.raw1 as number,
      value1: nums.value1 as number,
      raw2: nums.raw2 as number,
      value2: nums.value2 as number,
    };
  } else if (scaled) {
    input = { kind: 'scale', scale: nums.scale ?? 1, offset: nums.offset ?? 0 };
  } else {
    if (now) return 0; // only asked for the raw value now
    console.error(`vigia-config calibrate: say the two points or the scale/offset\n\n${USAGE}`);
    return 2;
  }

  const built = buildCalibration(input);
  if (!built.ok) {
    console.error(`vigia-config calibrate: ${built.message} — measure the second point at a clearly different level`);
    return 1;
  }
  const cal = built.calibration;
  const { scale, offset } = lineOf(cal);
  const unit = now ? ` ${now.unit}` : '';
  console.log('paste under the sensor in edge.yaml (then "vigia-config validate" and "vigia-config apply"):\n');
  console.log(calibrationYaml(cal));
  console.log(`\nvalue = raw × ${tidy(scale)} + ${tidy(offset)}`);
  if (input.kind === 'two-point')
    console.log(
      `check: raw ${input.raw1} → ${tidy(apply(input.raw1, cal))}${unit}, raw ${input.raw2} → ${tidy(apply(input.raw2, cal))}${unit}`,
    );
  if (nums.raw !== undefined) console.log(`raw ${nums.raw} → ${tidy(apply(nums.raw, cal))}${unit}`);
  if (now) console.log(`raw now ${tidy(now.raw)} → ${tidy(apply(now.raw, cal))}${unit} with this calibration`);
  return 0;
}
