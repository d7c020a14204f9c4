package source

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

type compression int

const (
	compNone compression = iota
	compGzip
	compZstd
	compBzip2
	compXz
	compUnknown // not enough bytes to tell
)

var (
	magicGzip  = []byte{0x1f, 0x8b}
	magicZstd  = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicBzip2 = []byte("BZh")
	magicXz    = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
)

// zstdMaxWindow matches the zstd CLI's default decoder memory limit (windowLog 27): streams that
// need more were made with --long and are not what image builders produce, and the limit keeps a
// crafted layer from making us allocate gigabytes.
const zstdMaxWindow = 128 << 20

func compressionOf(head []byte) compression {
	switch {
	case bytes.HasPrefix(head, magicGzip):
		return compGzip
	case bytes.HasPrefix(head, magicZstd):
		return compZstd
	case bytes.HasPrefix(head, magicBzip2):
		return compBzip2
	case bytes.HasPrefix(head, magicXz):
		return compXz
	case len(head) == 0:
		return compUnknown
	}
	return compNone
}

// decompress sniffs r's format from its first bytes and returns the uncompressed stream. Magic
// numbers rather than media types decide, because tools label layers inconsistently (docker
// archives carry no media type at all) and the diff_id check catches anything misread.
func decompress(r io.Reader) (io.Reader, func(), error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(len(magicXz))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	switch compressionOf(head) {
	case compGzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, err
		}
		return zr, func() { _ = zr.Close() }, nil
	case compZstd:
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(zstdMaxWindow))
		if err != nil {
			return nil, nil, err
		}
		return zr, zr.Close, nil
	case compBzip2:
		return bzip2.NewReader(br), func() {}, nil
	case compXz:
		return nil, nil, errors.New("xz compression is not supported")
	}
	return br, func() {}, nil
}

// isTarHeader reports whether block is a tar header (valid checksum) or the all-zero block that
// ends an archive, which is how an empty layer begins.
func isTarHeader(block []byte) bool {
	if len(block) < 512 {
		return false
	}
	block = block[:512]
	zero := true
	for _, b := range block {
		if b != 0 {
			zero = false
			break
		}
	}
	if zero {
		return true
	}
	want, ok := parseOctal(block[148:156])
	if !ok {
		return false
	}
	var unsigned, signed int64
	for i, b := range block {
		if i >= 148 && i < 156 {
			b = ' '
		}
		unsigned += int64(b)
		signed += int64(int8(b))
	}
	return want == unsigned || want == signed
}

func parseOctal(b []byte) (int64, bool) {
	b = bytes.Trim(b, " \x00")
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '7' {
			return 0, false
		}
		n = n<<3 | int64(c-'0')
	}
	return n, true
}

// looksLikeJSON reports whether a member starts like a JSON document, which is how metadata
// members are told from layer blobs when their role is not known yet.
func looksLikeJSON(head []byte) bool {
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) > 0 && (head[0] == '{' || head[0] == '[')
}

// looksLikeLayer reports whether a member starts like a layer blob: compressed, or a tar.
func looksLikeLayer(head []byte) bool {
	switch compressionOf(head) {
	case compGzip, compZstd, compBzip2:
		return true
	}
	return isTarHeader(head)
}
