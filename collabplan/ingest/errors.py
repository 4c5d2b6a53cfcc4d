"""The one error the importer raises for bad input."""


class IngestError(ValueError):
    """Bad input, in one line a teacher can act on.

    The message names the file and, where it helps, the sheet, row or column to fix, and
    says what to do ("Remove the password in Excel (File > Info > Protect Workbook) and upload
    again"). The CLI prints it and exits 2; the upload page shows it. Nothing is written.
    """
