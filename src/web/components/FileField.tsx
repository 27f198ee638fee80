/** What the server takes: photos (sniffed JPEG, PNG, WebP), documents (those or PDF), imports. */
export const ACCEPT = {
  photo: 'image/jpeg,image/png,image/webp',
  document: 'image/jpeg,image/png,image/webp,application/pdf',
  import: '.csv,.xlsx,.geojson,.json',
  units: '.csv,.xlsx',
} as const;

/** The one file picker of the app: hands the chosen file (or null) to `onFile`; the upload goes through `upload()`. */
export function FileField({ kind, onFile, required, name = 'file', resetKey }: { kind: keyof typeof ACCEPT; onFile: (f: File | null) => void; required?: boolean; name?: string; resetKey?: number | string }) {
  return <input key={resetKey} name={name} type="file" accept={ACCEPT[kind]} required={required} onChange={(e) => onFile(e.currentTarget.files?.[0] ?? null)} />;
}
