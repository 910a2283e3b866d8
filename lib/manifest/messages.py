"""Every message a donor may see from the manifest import, in one place.

Tests format these same constants, so wording changes here and nowhere else. Row and column are
carried by the Problem beside the message, so row-level messages do not repeat them.
"""

# The file as a whole (ManifestError)
TOO_BIG = "The file is {size}; Rehome reads files up to {limit}. Split it into smaller files."
NOT_A_TABLE = (
    "This file is neither a CSV file nor an Excel workbook (.xlsx). Export your asset list as CSV "
    "or .xlsx and upload that."
)
OLD_EXCEL = (
    "This is an Excel 97-2003 workbook (.xls) or a password-protected workbook. Rehome reads CSV "
    "files and Excel workbooks (.xlsx): open it in Excel and save it as an Excel Workbook (.xlsx) "
    "without a password, or as CSV, then upload that."
)
OTHER_FORMAT = (
    "This is {what}. Rehome reads CSV files and Excel workbooks (.xlsx): open it and save it as "
    ".xlsx or CSV, then upload that."
)
XLSX_DAMAGED = (
    "The workbook could not be read ({detail}). Open it in Excel and save it again, or save it as "
    "CSV, then upload that."
)
XLSX_EXPANDS = (
    "The workbook expands to more than {limit} when opened, more than Rehome reads. Save it as "
    "CSV, or split it into smaller workbooks."
)
XLSX_RATIO = (
    "Part of the workbook ({member}) is compressed more than {ratio}-fold, which ordinary "
    "spreadsheets never are, so Rehome will not open it. Open it in Excel and save it again, or "
    "save it as CSV."
)
XLSX_UNUSUAL = (
    "The workbook is written in a way Rehome does not open ({detail}). Open it in Excel and save "
    "it again, or save it as CSV."
)
XLSX_NO_DATA = "The workbook has no worksheet with any data in it."
SHEET_TOO_LARGE = (
    "Sheet '{sheet}' has cells as far as row {row:,}, column {column}; Rehome reads at most "
    "{max_rows:,} rows, {max_columns:,} columns and {max_cells:,} cells. Delete the empty rows "
    "and columns after your data (or the columns you do not need), or save it as CSV."
)
TOO_MANY_ROWS = (
    "The file has more than {limit:,} rows; split it into files of at most {limit:,} rows each."
)
TOO_MANY_COLUMNS = (
    "Row {row} has {count:,} columns; Rehome reads at most {limit:,}. Delete the columns you do "
    "not need and upload again."
)
TOO_MANY_CELLS = (
    "The file has {rows:,} rows of {columns:,} columns; Rehome reads at most {limit:,} cells "
    "(rows times columns). Delete the columns you do not need, or split the file."
)
CSV_CELL_TOO_BIG = (
    "Row {row} has a cell longer than {limit:,} characters, usually a quote mark that is never "
    "closed. Check that row and the rows just before it."
)
CSV_UNREADABLE = "The file could not be read as CSV near row {row} ({detail})."
BAD_ENCODING = (
    "The file says it is {encoding} text but is not. Save it again as CSV UTF-8 and upload that."
)

# The file as a whole (problems in a Result)
EMPTY_FILE = "The file is empty."
NO_ROWS = "The file has a header row but no devices under it."
NO_IDENTIFIER_COLUMN = (
    "No column holds a serial number, IMEI or asset tag. Map one of your columns to Serial "
    "number, IMEI or Asset tag."
)
DOUBLE_MAPPING = "{label} is chosen for both '{first}' and '{second}'; choose one column for it."
ROWS_ABOVE_HEADER = "Rows {first} to {last} above the header row (row {header}) were left out."
ROW_ABOVE_HEADER = "Row {first} above the header row (row {header}) was left out."
FORMULA_SOMEWHERE = (
    "The sheet has formula cells Rehome could not place. Copy your data and paste it back as "
    "values only (Paste Special → Values), then upload again."
)

# One cell
NUL_CHARACTER = (
    "This cell holds a NUL character (an invisible character with code 0), which cannot be "
    "stored. Type the value again in the file, then upload again."
)
FORMULA = (
    "This cell is a formula. Copy the column and paste it back as values only (Paste Special → "
    "Values), then upload again."
)
FORMULA_LIKE = (
    "Starts with '{char}' like a spreadsheet formula; Rehome keeps it as text and never runs it."
)
TOO_LONG = "Longer than {limit:,} characters."
NO_IDENTIFIER = "No serial number, IMEI or asset tag; every device needs at least one."
DUPLICATE = "{label} {value} is also on row {row}."
EXISTING = "{label} {value} is already known to Rehome."
SCIENTIFIC = (
    "'{value}' is a number the spreadsheet rewrote in scientific notation, losing digits. Format "
    "the column as Text in the original export (or import the CSV with the column as Text) and "
    "export it again."
)
IDENTIFIER_TOO_LONG = "'{value}' is longer than {limit} characters; is this the right column?"
PLACEHOLDER_SERIAL = (
    "'{value}' is a placeholder left in the firmware, not a real serial number, so it was left out."
)
IMEI_NOT_DIGITS = "IMEI '{value}' should be 15 digits."
IMEI_LENGTH = "IMEI '{value}' has {count} digits; an IMEI has 15."
IMEI_14 = (
    "IMEI '{value}' has 14 digits; an IMEI has 15. If it should start with 0, format the column as "
    "Text so the spreadsheet keeps the leading zero."
)
IMEI_CHECK = "IMEI '{value}' fails its check digit; look for a typing mistake."
UNKNOWN_TYPE = "Unknown device type '{value}'; use laptop, desktop, tablet, smartphone or other."
NO_TYPE = (
    "No device type, and the model and operating system do not say; give a device type, or "
    "choose one for devices without one."
)
NOT_AN_AMOUNT = "{what} '{value}' is not an amount such as {example}."
OUT_OF_RANGE = "{what} '{value}' reads as {amount}; it must be between {low} and {high}."
NOT_A_DATE = "'{value}' is not a year or a date."
NOT_A_UK_DATE = "'{value}' is not a UK date (day/month/year)."
YEAR_OUT_OF_RANGE = "'{value}' is the year {year}; it must be between {low} and {high}."
