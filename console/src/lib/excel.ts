// Export what a table shows (its columns, its current rows) to an .xlsx file.
export interface Column<T> {
  label: string
  value: (row: T) => string | number | null | undefined
}

export function toSheetRows<T>(columns: Column<T>[], rows: T[]): (string | number)[][] {
  return [columns.map((c) => c.label), ...rows.map((r) => columns.map((c) => c.value(r) ?? ''))]
}

export async function exportExcel<T>(filename: string, columns: Column<T>[], rows: T[]): Promise<void> {
  const XLSX = await import('xlsx')
  const sheet = XLSX.utils.aoa_to_sheet(toSheetRows(columns, rows))
  const book = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(book, sheet, 'Sheet1')
  XLSX.writeFile(book, filename.endsWith('.xlsx') ? filename : `${filename}.xlsx`)
}
