package httpapi

import (
	"context"
	"io"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// utf8BOM is the byte order mark Excel on Windows needs to read a CSV as UTF-8
// (without it, it reads cp1252).
var utf8BOM = []byte("\xEF\xBB\xBF")

// bomSuffix names the kept export that starts with a BOM ("licenses.csv+bom").
const bomSuffix = "+bom"

// wantsBOM reads the bom parameter of a CSV answer: 1 prepends a UTF-8 byte order
// mark, 0 or none leaves the bytes as they are. Other formats ignore it.
func wantsBOM(c echo.Context) (bool, error) {
	switch c.QueryParam("bom") {
	case "", "0":
		return false, nil
	case "1":
		return true, nil
	default:
		return false, domain.Invalid("bom", "must be 1 (a UTF-8 byte order mark before a CSV, for Excel) or 0")
	}
}

// withBOM returns the maker of an export that is the export called name (made by
// maker when missing) after a BOM: a copy of the kept file, not a second export.
func (x *exportFiles) withBOM(name string, want int64, maker exportMaker) exportMaker {
	return func(ctx context.Context, w io.Writer) (int64, error) {
		plain, file, err := x.open(ctx, name, want, maker)
		if err != nil {
			return 0, err
		}
		defer plain.Close()
		if _, err := w.Write(utf8BOM); err != nil {
			return 0, err
		}
		if _, err := io.Copy(w, plain); err != nil {
			return 0, err
		}
		return file.version, nil
	}
}
