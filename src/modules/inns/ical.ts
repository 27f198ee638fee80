/** iCalendar (RFC 5545): the export of a room's occupied nights, and a tolerant reader of external calendars. */
import { addDays, isValidDate } from './dates.ts';

export interface CalendarEvent {
  uid: string;
  start: string; // YYYY-MM-DD, first night
  end: string; // YYYY-MM-DD, exclusive (the check-out day)
  summary: string;
}

const escapeText = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
const compact = (d: string) => d.replace(/-/g, '');

/** Lines longer than 75 octets are folded with CRLF + space (RFC 5545 §3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    const limit = parts.length === 0 ? 75 : 74;
    if (size + n > limit) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const stamp = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export function writeCalendar(name: string, events: CalendarEvent[], now = new Date()): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Terrace//Inns//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
    'X-WR-TIMEZONE:Asia/Shanghai',
  ];
  for (const e of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTAMP:${stamp(now)}`,
      `DTSTART;VALUE=DATE:${compact(e.start)}`,
      `DTEND;VALUE=DATE:${compact(e.end)}`,
      `SUMMARY:${escapeText(e.summary)}`,
      'TRANSP:OPAQUE',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

const unescapeText = (s: string) => s.replace(/\\n/gi, '\n').replace(/\\([\\;,])/g, '$1');

/** Reads a DTSTART/DTEND value as a hotel date: VALUE=DATE, or a date-time (its date part; UTC ones shifted to +08:00). */
function readDate(params: string, value: string): string | null {
  const v = value.trim();
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(v);
  if (!m) return null;
  if (m[7] === 'Z') {
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + 8 * 3_600_000;
    return new Date(ms).toISOString().slice(0, 10);
  }
  void params;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

export interface ParsedCalendar {
  events: CalendarEvent[];
  skipped: number;
}

/** Parses VEVENTs (unfolding lines); events without a usable start are skipped and counted. */
export function parseCalendar(text: string): ParsedCalendar {
  const lines = text.replace(/\r\n[ \t]/g, '').replace(/\n[ \t]/g, '').split(/\r?\n/);
  const events: CalendarEvent[] = [];
  let skipped = 0;
  let current: Record<string, { params: string; value: string }> | null = null;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      if (current) {
        const s = current.DTSTART && readDate(current.DTSTART.params, current.DTSTART.value);
        let e = current.DTEND && readDate(current.DTEND.params, current.DTEND.value);
        if (s && !e) e = addDays(s, 1);
        if (s && e && e === s) e = addDays(s, 1);
        if (s && e && isValidDate(s) && isValidDate(e) && e > s) {
          events.push({ uid: current.UID?.value ?? `${s}/${e}`, start: s, end: e, summary: unescapeText(current.SUMMARY?.value ?? '') });
        } else skipped++;
      }
      current = null;
    } else if (current) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const [name, ...params] = line.slice(0, colon).split(';');
      current[name.toUpperCase()] = { params: params.join(';'), value: line.slice(colon + 1) };
    }
  }
  return { events, skipped };
}
