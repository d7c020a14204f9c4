package elfinfo

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// craft describes a minimal hand-made ELF file: a header, program headers
// right after it, an optional PT_INTERP string after those, a string table
// and a dynamic section at chosen offsets, and one PT_LOAD mapping the
// whole file at loadBase so that DT_STRTAB needs translating.
type craft struct {
	class   elf.Class
	bo      binary.ByteOrder
	machine elf.Machine
	typ     elf.Type
	interp  string
	needed  []string
	soname  string
	runpath string
	rpath   string
	flags1  uint64
	// noDynamic leaves PT_DYNAMIC out.
	noDynamic bool
	// strtabOff and dynOff are file offsets; 0 picks a default layout.
	strtabOff, dynOff uint64
	// size pads the file; 0 means just large enough.
	size uint64
	// phnum overrides the program header count in the ELF header.
	phnum int
	// extraDyn are appended before DT_NULL; noNull leaves DT_NULL out.
	extraDyn []elf.Dyn64
	noNull   bool
}

const loadBase = 0x400000

func (c craft) build(t testing.TB) []byte {
	t.Helper()
	if c.bo == nil {
		c.bo = binary.LittleEndian
	}
	if c.class == 0 {
		c.class = elf.ELFCLASS64
	}
	if c.machine == 0 {
		c.machine = elf.EM_X86_64
	}
	if c.typ == 0 {
		c.typ = elf.ET_DYN
	}
	is64 := c.class == elf.ELFCLASS64
	ehsize, phentsize, dynent := uint64(52), uint64(32), uint64(8)
	if is64 {
		ehsize, phentsize, dynent = 64, 56, 16
	}

	// String table: a leading NUL, then the names.
	strtab := []byte{0}
	addStr := func(s string) uint64 {
		off := uint64(len(strtab))
		strtab = append(strtab, s...)
		strtab = append(strtab, 0)
		return off
	}
	// DT_STRTAB and DT_STRSZ come first (patched below), so that extraDyn
	// can override them: the loader takes the last of each tag.
	dyns := []elf.Dyn64{{Tag: int64(elf.DT_STRTAB)}, {Tag: int64(elf.DT_STRSZ)}}
	for _, n := range c.needed {
		dyns = append(dyns, elf.Dyn64{Tag: int64(elf.DT_NEEDED), Val: addStr(n)})
	}
	if c.soname != "" {
		dyns = append(dyns, elf.Dyn64{Tag: int64(elf.DT_SONAME), Val: addStr(c.soname)})
	}
	if c.runpath != "" {
		dyns = append(dyns, elf.Dyn64{Tag: int64(elf.DT_RUNPATH), Val: addStr(c.runpath)})
	}
	if c.rpath != "" {
		dyns = append(dyns, elf.Dyn64{Tag: int64(elf.DT_RPATH), Val: addStr(c.rpath)})
	}
	if c.flags1 != 0 {
		dyns = append(dyns, elf.Dyn64{Tag: int64(elf.DT_FLAGS_1), Val: c.flags1})
	}
	dyns = append(dyns, c.extraDyn...)

	nph := 1 // PT_LOAD
	if c.interp != "" {
		nph++
	}
	if !c.noDynamic {
		nph++
	}
	phoff := ehsize
	interpOff := phoff + uint64(nph)*phentsize
	next := interpOff + uint64(len(c.interp)) + 1
	if c.strtabOff == 0 {
		c.strtabOff = next
	}
	dyns[0].Val, dyns[1].Val = loadBase+c.strtabOff, uint64(len(strtab))
	if !c.noNull {
		dyns = append(dyns, elf.Dyn64{Tag: int64(elf.DT_NULL)})
	}
	if c.dynOff == 0 {
		c.dynOff = (max(next, c.strtabOff+uint64(len(strtab))) + 7) &^ 7
	}
	dynSize := uint64(len(dyns)) * dynent
	size := max(c.size, c.strtabOff+uint64(len(strtab)), c.dynOff+dynSize, interpOff+uint64(len(c.interp))+1)

	file := make([]byte, size)
	put := func(off uint64, v any) {
		var b bytes.Buffer
		if err := binary.Write(&b, c.bo, v); err != nil {
			t.Fatal(err)
		}
		copy(file[off:], b.Bytes())
	}
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(c.class), 0, byte(elf.EV_CURRENT)}
	if c.bo == binary.LittleEndian {
		ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	} else {
		ident[elf.EI_DATA] = byte(elf.ELFDATA2MSB)
	}
	phnum := uint16(nph)
	if c.phnum != 0 {
		phnum = uint16(c.phnum)
	}
	type ph struct {
		typ            elf.ProgType
		flags          elf.ProgFlag
		off, vaddr, sz uint64
	}
	phs := []ph{{elf.PT_LOAD, elf.PF_R | elf.PF_X, 0, loadBase, size}}
	if c.interp != "" {
		phs = append(phs, ph{elf.PT_INTERP, elf.PF_R, interpOff, loadBase + interpOff, uint64(len(c.interp)) + 1})
	}
	if !c.noDynamic {
		phs = append(phs, ph{elf.PT_DYNAMIC, elf.PF_R | elf.PF_W, c.dynOff, loadBase + c.dynOff, dynSize})
	}
	if is64 {
		put(0, elf.Header64{
			Ident: ident, Type: uint16(c.typ), Machine: uint16(c.machine), Version: uint32(elf.EV_CURRENT),
			Phoff: phoff, Ehsize: uint16(ehsize), Phentsize: uint16(phentsize), Phnum: phnum,
		})
		for i, p := range phs {
			put(phoff+uint64(i)*phentsize, elf.Prog64{
				Type: uint32(p.typ), Flags: uint32(p.flags), Off: p.off, Vaddr: p.vaddr, Paddr: p.vaddr,
				Filesz: p.sz, Memsz: p.sz, Align: 8,
			})
		}
		for i, d := range dyns {
			put(c.dynOff+uint64(i)*dynent, d)
		}
	} else {
		put(0, elf.Header32{
			Ident: ident, Type: uint16(c.typ), Machine: uint16(c.machine), Version: uint32(elf.EV_CURRENT),
			Phoff: uint32(phoff), Ehsize: uint16(ehsize), Phentsize: uint16(phentsize), Phnum: phnum,
		})
		for i, p := range phs {
			put(phoff+uint64(i)*phentsize, elf.Prog32{
				Type: uint32(p.typ), Flags: uint32(p.flags), Off: uint32(p.off), Vaddr: uint32(p.vaddr),
				Paddr: uint32(p.vaddr), Filesz: uint32(p.sz), Memsz: uint32(p.sz), Align: 4,
			})
		}
		for i, d := range dyns {
			put(c.dynOff+uint64(i)*dynent, elf.Dyn32{Tag: int32(d.Tag), Val: uint32(d.Val)})
		}
	}
	copy(file[interpOff:], c.interp)
	copy(file[c.strtabOff:], strtab)
	return file
}

func read(t testing.TB, data []byte, opts Options) (*Info, error) {
	t.Helper()
	return Read(onlyReader{bytes.NewReader(data)}, int64(len(data)), opts)
}

func TestCrafted(t *testing.T) {
	tests := []struct {
		name string
		c    craft
		opts Options
		want Info
	}{
		{
			name: "64-bit little-endian PIE, .dynstr before .dynamic",
			c: craft{interp: "/lib/ld-musl-x86_64.so.1", needed: []string{"libc.musl-x86_64.so.1"},
				flags1: df1PIE | uint64(elf.DF_1_NOW)},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", Interpreter: "/lib/ld-musl-x86_64.so.1",
				Needed: []string{"libc.musl-x86_64.so.1"}, PIE: true, BindNow: true},
		},
		{
			name: ".dynstr after .dynamic",
			c: craft{interp: "/lib64/ld-linux-x86-64.so.2", needed: []string{"libm.so.6", "libc.so.6"},
				runpath: "$ORIGIN/../lib:/opt/lib", rpath: "/old", dynOff: 0x200, strtabOff: 0x1000},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", Interpreter: "/lib64/ld-linux-x86-64.so.2",
				Needed: []string{"libm.so.6", "libc.so.6"}, RunPath: []string{"$ORIGIN/../lib", "/opt/lib"},
				RPath: []string{"/old"}, PIE: true},
		},
		{
			name: ".dynstr after .dynamic and beyond the prefix: read forward",
			c:    craft{needed: []string{"libc.so.6"}, soname: "libfoo.so.1", dynOff: 0x200, strtabOff: 0x3000},
			opts: Options{PrefixBytes: 0x1000},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", Needed: []string{"libc.so.6"},
				Soname: "libfoo.so.1", SharedLib: true},
		},
		{
			name: ".dynstr beyond the prefix and before .dynamic: incomplete",
			c:    craft{interp: "/lib/ld.so", needed: []string{"libc.so.6"}, strtabOff: 0x2000, dynOff: 0x3000},
			opts: Options{PrefixBytes: 0x1000},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", Interpreter: "/lib/ld.so", PIE: true,
				NeededIncomplete: true},
		},
		{
			name: ".dynstr inside the prefix, .dynamic far beyond it",
			c:    craft{needed: []string{"libc.so.6"}, soname: "libbig.so", dynOff: 0x10000},
			opts: Options{PrefixBytes: 0x1000},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", Needed: []string{"libc.so.6"},
				Soname: "libbig.so", SharedLib: true},
		},
		{
			name: "a one-byte prefix still keeps the header",
			c:    craft{needed: []string{"libc.so.6"}, soname: "libtiny.so", dynOff: 0x200, strtabOff: 0x300},
			opts: Options{PrefixBytes: 1},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", Needed: []string{"libc.so.6"},
				Soname: "libtiny.so", SharedLib: true},
		},
		{
			name: "32-bit big-endian MIPS executable",
			c: craft{class: elf.ELFCLASS32, bo: binary.BigEndian, machine: elf.EM_MIPS, typ: elf.ET_EXEC,
				interp: "/lib/ld.so.1", needed: []string{"libc.so.6"}, dynOff: 0x100, strtabOff: 0x400},
			want: Info{Class: 32, Machine: "mips", Type: "exec", Interpreter: "/lib/ld.so.1", Needed: []string{"libc.so.6"}},
		},
		{
			name: "64-bit big-endian s390x shared library",
			c:    craft{bo: binary.BigEndian, machine: elf.EM_S390, needed: []string{"libc.so.6"}, soname: "libz.so.1"},
			want: Info{Class: 64, Machine: "s390x", Type: "dyn", Needed: []string{"libc.so.6"}, Soname: "libz.so.1", SharedLib: true},
		},
		{
			name: "64-bit big-endian ppc64",
			c:    craft{bo: binary.BigEndian, machine: elf.EM_PPC64, typ: elf.ET_EXEC, interp: "/lib64/ld64.so.1"},
			want: Info{Class: 64, Machine: "ppc64", Type: "exec", Interpreter: "/lib64/ld64.so.1"},
		},
		{
			name: "32-bit little-endian i386 static executable",
			c:    craft{class: elf.ELFCLASS32, machine: elf.EM_386, typ: elf.ET_EXEC, noDynamic: true},
			want: Info{Class: 32, Machine: "386", Type: "exec", Static: true},
		},
		{
			name: "static-pie",
			c:    craft{machine: elf.EM_AARCH64, flags1: df1PIE},
			want: Info{Class: 64, Machine: "aarch64", Type: "dyn", Static: true, PIE: true},
		},
		{
			name: "old-style PIE without DF_1_PIE",
			c:    craft{machine: elf.EM_ARM, class: elf.ELFCLASS32, interp: "/lib/ld-linux-armhf.so.3", needed: []string{"libc.so.6"}},
			want: Info{Class: 32, Machine: "arm", Type: "dyn", Interpreter: "/lib/ld-linux-armhf.so.3", Needed: []string{"libc.so.6"}, PIE: true},
		},
		{
			name: "bind now through DT_FLAGS and DT_BIND_NOW",
			c: craft{needed: []string{"a"}, soname: "b", extraDyn: []elf.Dyn64{
				{Tag: int64(elf.DT_FLAGS), Val: uint64(elf.DF_BIND_NOW)}, {Tag: int64(elf.DT_BIND_NOW)}}},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", Needed: []string{"a"}, Soname: "b", SharedLib: true, BindNow: true},
		},
		{
			name: "entries after DT_NULL are ignored",
			c:    craft{needed: []string{"a"}, extraDyn: []elf.Dyn64{{Tag: int64(elf.DT_NULL)}, {Tag: int64(elf.DT_NEEDED), Val: 1}}},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", Needed: []string{"a"}, SharedLib: true},
		},
		{
			name: "more dynamic entries than allowed, no DT_NULL within: incomplete",
			c:    craft{needed: []string{"a", "b", "c", "d"}, noNull: true},
			opts: Options{MaxDynEntries: 2},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", SharedLib: true, NeededIncomplete: true},
		},
		{
			name: "DT_NEEDED outside the string table: incomplete",
			c:    craft{needed: []string{"a"}, extraDyn: []elf.Dyn64{{Tag: int64(elf.DT_NEEDED), Val: 1 << 40}}},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", Needed: []string{"a"}, SharedLib: true, NeededIncomplete: true},
		},
		{
			name: "DT_STRTAB outside every PT_LOAD: incomplete",
			c:    craft{needed: []string{"a"}, extraDyn: []elf.Dyn64{{Tag: int64(elf.DT_STRTAB), Val: math.MaxUint64 - 3}}},
			want: Info{Class: 64, Machine: "x86_64", Type: "dyn", SharedLib: true, NeededIncomplete: true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.c.build(t)
			got, err := read(t, data, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Fatalf("\n got %+v\nwant %+v", *got, tc.want)
			}
			// Reading one byte at a time must give the same answer.
			again, err := Read(iotest.OneByteReader(bytes.NewReader(data)), int64(len(data)), tc.opts)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("one byte at a time: %+v, %v", again, err)
			}
		})
	}
}

// debug/elf agrees on the crafted files it can read (it needs no section
// headers for program headers and the interpreter).
func TestCraftedAgreesWithDebugELF(t *testing.T) {
	for _, c := range []craft{
		{interp: "/lib/ld-musl-x86_64.so.1"},
		{class: elf.ELFCLASS32, bo: binary.BigEndian, machine: elf.EM_PPC, interp: "/lib/ld.so.1"},
	} {
		data := c.build(t)
		f, err := elf.NewFile(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(f.Progs[1].Open())
		if err != nil {
			t.Fatal(err)
		}
		got, err := read(t, data, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Interpreter+"\x00" != string(b) || got.Machine != machineName(f.Machine, got.Class, f.ByteOrder) {
			t.Fatalf("got %+v, debug/elf interp %q", got, b)
		}
	}
}

func TestErrors(t *testing.T) {
	valid := craft{interp: "/lib/ld.so", needed: []string{"libc.so.6"}}.build(t)
	patch := func(data []byte, off int, v any) []byte {
		out := bytes.Clone(data)
		var b bytes.Buffer
		if err := binary.Write(&b, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
		copy(out[off:], b.Bytes())
		return out
	}
	// Offsets in a 64-bit header and its second program header
	// (PT_INTERP).
	const (
		phoffAt     = 32
		phentsizeAt = 54
		phnumAt     = 56
		interpPh    = 64 + 56
	)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotELF},
		{"short", []byte("\x7fELF"), ErrNotELF},
		{"text", []byte("#!/bin/sh\necho hello world\n"), ErrNotELF},
		{"garbage", bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 100), ErrNotELF},
		{"bad class", append([]byte("\x7fELF\x03\x01\x01"), make([]byte, 100)...), ErrMalformed},
		{"bad byte order", append([]byte("\x7fELF\x02\x03\x01"), make([]byte, 100)...), ErrMalformed},
		{"bad version", append([]byte("\x7fELF\x02\x01\x02"), make([]byte, 100)...), ErrMalformed},
		{"header cut", valid[:40], ErrTruncated},
		{"program headers cut", valid[:100], ErrTruncated},
		{"phnum huge", patch(valid, phnumAt, uint16(0xffff)), ErrMalformed},
		{"phnum over the limit", patch(valid, phnumAt, uint16(513)), ErrMalformed},
		{"phnum beyond the file", patch(valid, phnumAt, uint16(200)), ErrTruncated},
		{"phentsize too small", patch(valid, phentsizeAt, uint16(8)), ErrMalformed},
		{"phentsize too large", patch(valid, phentsizeAt, uint16(0xffff)), ErrMalformed},
		{"phoff beyond the file", patch(valid, phoffAt, uint64(math.MaxUint64-8)), ErrTruncated},
		{"PT_INTERP offset overflows", patch(valid, interpPh+8, uint64(math.MaxUint64-2)), ErrTruncated},
		{"PT_INTERP empty", patch(valid, interpPh+32, uint64(0)), ErrMalformed},
		{"PT_INTERP too long", patch(valid, interpPh+32, uint64(1<<20)), ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := read(t, tc.data, Options{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %+v, %v; want %v", info, err, tc.want)
			}
			if info != nil {
				t.Fatal("info with an error")
			}
		})
	}
}

// Every prefix of a valid file, offered as a complete file or as a stream
// that ends before its declared size, gives an answer or an error; never a
// panic, and a short stream is reported as truncated.
func TestTruncation(t *testing.T) {
	for _, c := range []craft{
		{interp: "/lib/ld-musl-x86_64.so.1", needed: []string{"libc.musl-x86_64.so.1"}, dynOff: 0x200, strtabOff: 0x400},
		{class: elf.ELFCLASS32, bo: binary.BigEndian, machine: elf.EM_MIPS, needed: []string{"libc.so.6"}, soname: "x"},
	} {
		data := c.build(t)
		for n := range len(data) {
			if _, err := read(t, data[:n], Options{}); err == nil && n < 64 {
				t.Fatalf("no error for %d bytes", n)
			}
			_, err := Read(bytes.NewReader(data[:n]), int64(len(data)), Options{})
			if err == nil {
				t.Fatalf("stream of %d of %d bytes: no error", n, len(data))
			}
			if n >= elf.EI_NIDENT && !errors.Is(err, ErrTruncated) {
				t.Fatalf("stream of %d of %d bytes: %v", n, len(data), err)
			}
		}
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	data := craft{needed: []string{"a"}, dynOff: 0x1000}.build(t)
	_, err := Read(io.MultiReader(bytes.NewReader(data[:0x800]), iotest.ErrReader(boom)), int64(len(data)), Options{})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

// Read consumes no more than it needs and never more than size, even when
// the reader has more.
func TestReadsForwardOnlyAsFarAsNeeded(t *testing.T) {
	data := craft{interp: "/lib/ld.so", needed: []string{"libc.so.6"}, size: 1 << 20}.build(t)
	c := &countingReader{r: io.MultiReader(bytes.NewReader(data), strings.NewReader("trailing tar data"))}
	if _, err := Read(c, int64(len(data)), Options{}); err != nil {
		t.Fatal(err)
	}
	if c.n > 4096 {
		t.Fatalf("read %d bytes of a 1 MiB file whose headers fit in 4 KiB", c.n)
	}
}

func TestIsELF(t *testing.T) {
	for in, want := range map[string]bool{"\x7fELF": true, "\x7fELF\x02\x01": true, "\x7fEL": false, "": false, "MZ\x90\x00": false} {
		if IsELF([]byte(in)) != want {
			t.Errorf("IsELF(%q) = %v", in, !want)
		}
	}
}

func TestGOARCH(t *testing.T) {
	for m, want := range map[string]string{"x86_64": "amd64", "aarch64": "arm64", "386": "386", "arm": "arm",
		"ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64", "mips64el": "mips64le", "loongarch64": "loong64", "sparc": ""} {
		if got := (&Info{Machine: m}).GOARCH(); got != want {
			t.Errorf("GOARCH(%s) = %q, want %q", m, got, want)
		}
	}
}

func TestMachineNames(t *testing.T) {
	le, be := binary.ByteOrder(binary.LittleEndian), binary.ByteOrder(binary.BigEndian)
	for _, tc := range []struct {
		m     elf.Machine
		class int
		bo    binary.ByteOrder
		want  string
	}{
		{elf.EM_PPC64, 64, le, "ppc64le"}, {elf.EM_RISCV, 64, le, "riscv64"}, {elf.EM_RISCV, 32, le, "riscv32"},
		{elf.EM_MIPS, 64, le, "mips64el"}, {elf.EM_MIPS, 32, be, "mips"}, {elf.EM_S390, 32, be, "s390"},
		{elf.EM_LOONGARCH, 64, le, "loongarch64"}, {elf.EM_IA_64, 64, le, "ia_64"}, {elf.Machine(0xfeed), 64, le, "unknown(65261)"},
	} {
		if got := machineName(tc.m, tc.class, tc.bo); got != tc.want {
			t.Errorf("machineName(%v, %d) = %q, want %q", tc.m, tc.class, got, tc.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, c := range []craft{
		{interp: "/lib/ld-musl-x86_64.so.1", needed: []string{"libc.musl-x86_64.so.1"}, flags1: df1PIE},
		{needed: []string{"libc.so.6"}, soname: "libfoo.so", runpath: "/a:/b", dynOff: 0x100, strtabOff: 0x300},
		{class: elf.ELFCLASS32, bo: binary.BigEndian, machine: elf.EM_MIPS, typ: elf.ET_EXEC, interp: "/lib/ld.so.1", needed: []string{"libc.so.6"}},
		{class: elf.ELFCLASS32, machine: elf.EM_386, typ: elf.ET_EXEC, noDynamic: true},
	} {
		f.Add(c.build(f), uint16(0))
		f.Add(c.build(f), uint16(128))
	}
	// Small real files from the Alpine minirootfs, when present.
	if _, err := os.Stat(shared + "/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"); err == nil {
		for _, s := range streamLayer(f, shared+"/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz", Options{}) {
			if len(s.data) < 20<<10 {
				f.Add(s.data, uint16(0))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, prefix uint16) {
		opts := Options{PrefixBytes: int64(prefix), MaxDynEntries: 64}
		info, err := Read(bytes.NewReader(data), int64(len(data)), opts)
		if (info == nil) == (err == nil) {
			t.Fatalf("info %v with err %v", info, err)
		}
		if err != nil && !errors.Is(err, ErrNotELF) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrMalformed) {
			t.Fatalf("unexpected error %v", err)
		}
		if err == nil {
			if info.Class != 32 && info.Class != 64 {
				t.Fatalf("class %d", info.Class)
			}
			if info.Static && (info.Interpreter != "" || len(info.Needed) > 0 || info.NeededIncomplete || info.SharedLib) {
				t.Fatalf("inconsistent static %+v", info)
			}
			if info.SharedLib && info.PIE && info.Type == "dyn" && info.Soname == "" && info.Interpreter == "" {
				t.Fatalf("inconsistent %+v", info)
			}
			if len(info.Interpreter) > maxInterp {
				t.Fatalf("interpreter of %d bytes", len(info.Interpreter))
			}
		}
		// The same bytes as a stream that claims to be longer must not
		// panic either.
		_, _ = Read(bytes.NewReader(data), int64(len(data))+1000, opts)
	})
}
