// Elevation grids (ESRI ASCII) read and sampled with no I/O: the server's seed and the web client's shaded relief share it.

export interface Grid {
  ncols: number;
  nrows: number;
  xll: number;
  yll: number;
  cell: number;
  nodata: number;
  /** Row-major, first row the northernmost, as the file has it. */
  values: Float64Array;
}

/** Reads an ESRI ASCII grid (header lines, then rows of numbers from north to south). */
export function readAsciiGrid(text: string): Grid {
  const lines = text.split(/\r?\n/);
  const header: Record<string, number> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = lines[i].trim().match(/^([A-Za-z_]+)\s+(-?[\d.eE+-]+)$/);
    if (!m) break;
    header[m[1].toLowerCase()] = Number(m[2]);
  }
  const values = Float64Array.from(lines.slice(i).join(' ').trim().split(/\s+/).map(Number));
  const g = {
    ncols: header.ncols,
    nrows: header.nrows,
    xll: header.xllcorner ?? header.xllcenter,
    yll: header.yllcorner ?? header.yllcenter,
    cell: header.cellsize,
    nodata: header.nodata_value ?? -9999,
    values,
  };
  if (values.length !== g.ncols * g.nrows) throw new Error(`grid has ${values.length} values, expected ${g.ncols * g.nrows}`);
  return g;
}

/** The elevation at a point, interpolated between the four nearest cell centres; null outside or on no-data. */
export function elevationAt(g: Grid, lon: number, lat: number): number | null {
  const fx = (lon - g.xll) / g.cell - 0.5;
  const fy = (g.yll + g.nrows * g.cell - lat) / g.cell - 0.5;
  if (fx < 0 || fy < 0 || fx > g.ncols - 1 || fy > g.nrows - 1) return null;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, g.ncols - 1);
  const y1 = Math.min(y0 + 1, g.nrows - 1);
  const at = (x: number, y: number) => g.values[y * g.ncols + x];
  const corners = [at(x0, y0), at(x1, y0), at(x0, y1), at(x1, y1)];
  if (corners.some((v) => v === g.nodata || Number.isNaN(v))) return null;
  const tx = fx - x0;
  const ty = fy - y0;
  return (corners[0] * (1 - tx) + corners[1] * tx) * (1 - ty) + (corners[2] * (1 - tx) + corners[3] * tx) * ty;
}
