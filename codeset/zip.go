package codeset

import (
	"archive/zip"
	"bytes"
	"io"
	"path"
	"strings"
)

// The publishers ship their files zipped: CDC's ICD-10-CM code-descriptions
// zip holds the order file beside the codes file, addenda and PDFs; CMS's
// HCPCS zip holds the record file beside spreadsheets and notes; CMS's NCCI
// downloads hold one text or CSV file. A loader takes the zip as shipped or
// the member alone.

// maxMember bounds what one member may expand to (a year's ICD-10-CM order
// file is 15 MB; a quarter's PTP part some 100 MB).
const maxMember = 1 << 30

func isZip(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// open returns the file's content: data itself, or when data is a zip the
// one member that match accepts (when none does and ext is not "", the one
// member whose name ends in ext). what names the member wanted, for the
// error.
func open(fileName string, data []byte, what string, match func(base string) bool, ext string) (where, []byte, error) {
	w := where{file: baseName(fileName)}
	if !isZip(data) {
		return w, data, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return w, nil, w.errorf("not a readable zip: %v", err)
	}
	pick := func(ok func(string) bool) []*zip.File {
		var files []*zip.File
		for _, f := range zr.File {
			if !f.FileInfo().IsDir() && ok(path.Base(f.Name)) {
				files = append(files, f)
			}
		}
		return files
	}
	files := pick(match)
	if len(files) == 0 && ext != "" {
		files = pick(func(base string) bool { return strings.HasSuffix(strings.ToLower(base), ext) })
	}
	switch len(files) {
	case 0:
		return w, nil, w.errorf("the zip holds no %s (it holds %s)", what, memberNames(zr))
	case 1:
	default:
		var names []string
		for _, f := range files {
			names = append(names, path.Base(f.Name))
		}
		return w, nil, w.errorf("the zip holds %d files that could be the %s (%s): give the one meant", len(files), what, strings.Join(names, ", "))
	}
	f := files[0]
	w.member = path.Base(f.Name)
	if f.UncompressedSize64 > maxMember {
		return w, nil, w.errorf("%d bytes: larger than any %s", f.UncompressedSize64, what)
	}
	rc, err := f.Open()
	if err != nil {
		return w, nil, w.errorf("%v", err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	buf.Grow(int(f.UncompressedSize64) + bytes.MinRead)
	// Reading to the end checks the member's CRC.
	if _, err := buf.ReadFrom(io.LimitReader(rc, maxMember+1)); err != nil {
		return w, nil, w.errorf("unzipping: %v", err)
	}
	if buf.Len() > maxMember {
		return w, nil, w.errorf("larger than any %s", what)
	}
	return w, buf.Bytes(), nil
}

// baseName is a path's last element, for messages (a Windows path too).
func baseName(fileName string) string { return path.Base(strings.ReplaceAll(fileName, `\`, "/")) }

func memberNames(zr *zip.Reader) string {
	var names []string
	for _, f := range zr.File {
		names = append(names, path.Base(f.Name))
	}
	if len(names) == 0 {
		return "nothing"
	}
	return strings.Join(names, ", ")
}
