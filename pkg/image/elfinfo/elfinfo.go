// Package elfinfo reads what a container linter needs to know about an ELF
// file (its dynamic loader, the libraries it needs, whether it is static,
// a shared library or a PIE) from a stream, typically a layer tar entry.
//
// A layer is a compressed stream: files cannot be seeked and large ones must
// not be buffered whole. Read therefore moves forward only. It keeps the
// first Options.PrefixBytes of the file as it goes, because the dynamic
// string table (.dynstr) usually lies before the dynamic section (.dynamic)
// that points to it, and skips forward over everything else. When the
// strings it needs were neither kept nor still ahead, it says so
// (NeededIncomplete) instead of guessing.
//
// Input is untrusted: every offset and size is checked against the file
// size and for overflow, and counts are capped.
package elfinfo

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Options bound the work Read does. Zero values select the defaults.
type Options struct {
	// PrefixBytes is how much of the start of the file is kept to read
	// string tables found before the dynamic section (default 2 MiB; at
	// least the 64-byte ELF header is always kept).
	PrefixBytes int64
	// MaxProgHeaders caps the program header count (default 512); files
	// with more are rejected.
	MaxProgHeaders int
	// MaxDynEntries caps the dynamic entries read (default 8192); beyond
	// it the result is marked NeededIncomplete.
	MaxDynEntries int
}

// Defaults for Options. Real binaries have about a dozen program headers
// and a few dozen dynamic entries, and their .dynstr lies within the first
// few hundred KiB.
const (
	DefaultPrefixBytes    = 2 << 20
	DefaultMaxProgHeaders = 512
	DefaultMaxDynEntries  = 8192
)

// Info is what Read learned about one ELF file.
type Info struct {
	// Class is 32 or 64.
	Class int `json:"class"`
	// Machine is the architecture as uname -m spells it ("x86_64",
	// "aarch64", "ppc64le", ...), except "386" for 32-bit x86 and "arm"
	// for 32-bit ARM, which uname splits into several names.
	Machine string `json:"machine"`
	// Type is "exec", "dyn" (PIE executables and shared objects), "rel",
	// "core" or "unknown".
	Type string `json:"type"`
	// Interpreter is the PT_INTERP path, the dynamic loader the kernel
	// starts for the file.
	Interpreter string `json:"interpreter,omitempty"`
	// Needed are the DT_NEEDED names in file order.
	Needed []string `json:"needed,omitempty"`
	// Soname is DT_SONAME.
	Soname string `json:"soname,omitempty"`
	// RunPath and RPath are the colon-separated DT_RUNPATH and DT_RPATH
	// lists, kept apart because the loader ignores RPATH when RUNPATH is
	// present and searches them at different points.
	RunPath []string `json:"runpath,omitempty"`
	RPath   []string `json:"rpath,omitempty"`
	// Static is true when the file runs without a dynamic loader and
	// without libraries: no interpreter, nothing needed, not a shared
	// library (static executables and static-pie). It is false when
	// NeededIncomplete, since then nothing is known about its needs.
	Static bool `json:"static"`
	// SharedLib is true for ET_DYN files that are not marked PIE and
	// either have a DT_SONAME or no interpreter. libc.so.6 has both an
	// interpreter and a soname (it can be run) and counts as a library;
	// a library without soname and with an interpreter cannot be told
	// from an old PIE executable by its headers, and the caller knows the
	// file name.
	SharedLib bool `json:"shared_lib"`
	// PIE is true for position-independent executables: ET_DYN with
	// DF_1_PIE, or, from linkers that predate that flag, ET_DYN with an
	// interpreter and no soname.
	PIE bool `json:"pie"`
	// NeededIncomplete is true when the dynamic section or its string
	// table could not be read within the limits (for example .dynstr
	// lies beyond the kept prefix but before .dynamic); Needed, Soname
	// and the search paths may then be missing entries.
	NeededIncomplete bool `json:"needed_incomplete"`
	// ExecStack is true when PT_GNU_STACK asks for an executable stack.
	// It is false when there is no PT_GNU_STACK, whose meaning depends
	// on the architecture and kernel.
	ExecStack bool `json:"exec_stack"`
	// RELRO is true when there is a PT_GNU_RELRO segment; with BindNow
	// it is what checksec calls full RELRO.
	RELRO bool `json:"relro"`
	// BindNow is true when symbols are bound at load time (DT_BIND_NOW,
	// DF_BIND_NOW or DF_1_NOW).
	BindNow bool `json:"bind_now"`
}

// GOARCH returns the Go (and OCI platform) architecture name for Machine,
// "" when there is none, so that a binary can be compared with the image's
// platform.
func (i *Info) GOARCH() string {
	switch i.Machine {
	case "x86_64":
		return "amd64"
	case "aarch64":
		return "arm64"
	case "mipsel":
		return "mipsle"
	case "mips64el":
		return "mips64le"
	case "loongarch64":
		return "loong64"
	case "386", "arm", "ppc64", "ppc64le", "s390x", "riscv64", "mips", "mips64":
		return i.Machine
	}
	return ""
}

// Errors Read returns, wrapped with detail. Callers treat any error as
// "not a usable ELF file".
var (
	ErrNotELF = errors.New("elfinfo: not an ELF file")
	// ErrTruncated: the file ends before data its headers point to.
	ErrTruncated = errors.New("elfinfo: truncated ELF file")
	// ErrMalformed: the headers are inconsistent or beyond the limits.
	ErrMalformed = errors.New("elfinfo: malformed ELF file")
)

// IsELF reports whether prefix starts with the ELF magic number.
func IsELF(prefix []byte) bool {
	return len(prefix) >= 4 && string(prefix[:4]) == elf.ELFMAG
}

const (
	// maxEhdr is the size of the larger (64-bit) ELF header.
	maxEhdr = 64
	// maxInterp is PATH_MAX; the kernel refuses longer PT_INTERP.
	maxInterp = 4096
	// maxPhentsize bounds the program header entry size; real ones are
	// 32 or 56 bytes.
	maxPhentsize = 4096
	// maxString bounds one dynamic string (RUNPATHs of Nix binaries run
	// to a few KiB).
	maxString = 64 << 10
	// maxStrWindow bounds how much of a string table beyond the kept
	// prefix is read.
	maxStrWindow = 1 << 20
	// DF_1_PIE marks PIE executables (binutils 2.26+, lld); debug/elf
	// has no constant for it.
	df1PIE = 0x08000000
)

// Read reads the ELF file that r yields: exactly size bytes, starting at its
// first byte. It reads only as far as the data it needs and does not drain
// r; the caller discards the rest.
func Read(r io.Reader, size int64, opts Options) (*Info, error) {
	if opts.PrefixBytes <= 0 {
		opts.PrefixBytes = DefaultPrefixBytes
	}
	if opts.MaxProgHeaders <= 0 {
		opts.MaxProgHeaders = DefaultMaxProgHeaders
	}
	if opts.MaxDynEntries <= 0 {
		opts.MaxDynEntries = DefaultMaxDynEntries
	}
	if size < elf.EI_NIDENT {
		return nil, ErrNotELF
	}
	// The ELF header is always kept: it is read in two steps.
	s := &stream{r: r, size: size, keep: min(max(opts.PrefixBytes, maxEhdr), size)}
	ident, err := s.read(0, elf.EI_NIDENT)
	if err != nil {
		return nil, err
	}
	if !IsELF(ident) {
		return nil, ErrNotELF
	}
	var bo binary.ByteOrder
	switch elf.Data(ident[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
		bo = binary.LittleEndian
	case elf.ELFDATA2MSB:
		bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("%w: byte order %d", ErrMalformed, ident[elf.EI_DATA])
	}
	if v := elf.Version(ident[elf.EI_VERSION]); v != elf.EV_CURRENT {
		return nil, fmt.Errorf("%w: version %d", ErrMalformed, v)
	}
	p := &parser{s: s, bo: bo, opts: opts, info: &Info{}}
	switch elf.Class(ident[elf.EI_CLASS]) {
	case elf.ELFCLASS32:
		p.info.Class = 32
	case elf.ELFCLASS64:
		p.info.Class = 64
	default:
		return nil, fmt.Errorf("%w: class %d", ErrMalformed, ident[elf.EI_CLASS])
	}
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.info, nil
}

// prog is a program header of either class.
type prog struct {
	typ    elf.ProgType
	flags  elf.ProgFlag
	off    uint64
	vaddr  uint64
	filesz uint64
}

type parser struct {
	s    *stream
	bo   binary.ByteOrder
	opts Options
	info *Info

	typ     elf.Type
	loads   []prog
	interp  *prog
	dynamic *prog
	// String references from the dynamic section, as offsets into the
	// string table.
	needed            []uint64
	soname            *uint64
	runpath, rpath    *uint64
	strtab, strsz     uint64
	hasStrtab, hasSz  bool
	flags, flags1     uint64
	bindNowTag, relro bool
}

func (p *parser) run() error {
	if err := p.header(); err != nil {
		return err
	}
	// Read the regions in file order: the stream only moves forward.
	regions := []*prog{p.interp, p.dynamic}
	if p.interp != nil && p.dynamic != nil && p.dynamic.off < p.interp.off {
		regions[0], regions[1] = p.dynamic, p.interp
	}
	for _, r := range regions {
		var err error
		switch r {
		case nil:
		case p.interp:
			err = p.readInterp()
		default:
			err = p.readDynamic()
		}
		if err != nil {
			return err
		}
	}
	if err := p.readStrings(); err != nil {
		return err
	}
	p.classify()
	return nil
}

func (p *parser) header() error {
	var (
		typ, machine, phentsize, phnum uint16
		phoff                          uint64
		progSize                       int
	)
	if p.info.Class == 64 {
		var h elf.Header64
		if err := p.decode(0, &h); err != nil {
			return err
		}
		typ, machine, phoff, phentsize, phnum = h.Type, h.Machine, h.Phoff, h.Phentsize, h.Phnum
		progSize = binary.Size(elf.Prog64{})
	} else {
		var h elf.Header32
		if err := p.decode(0, &h); err != nil {
			return err
		}
		typ, machine, phoff, phentsize, phnum = h.Type, h.Machine, uint64(h.Phoff), h.Phentsize, h.Phnum
		progSize = binary.Size(elf.Prog32{})
	}
	p.typ = elf.Type(typ)
	p.info.Type = typeName(p.typ)
	p.info.Machine = machineName(elf.Machine(machine), p.info.Class, p.bo)

	if phnum == 0 {
		return nil
	}
	if int(phnum) > p.opts.MaxProgHeaders {
		return fmt.Errorf("%w: %d program headers", ErrMalformed, phnum)
	}
	if int(phentsize) < progSize || phentsize > maxPhentsize {
		return fmt.Errorf("%w: program header size %d", ErrMalformed, phentsize)
	}
	tableSize := uint64(phnum) * uint64(phentsize) // both 16-bit: no overflow
	if phoff > uint64(p.s.size) || tableSize > uint64(p.s.size)-phoff {
		return fmt.Errorf("%w: program headers beyond end of file", ErrTruncated)
	}
	table, err := p.s.read(int64(phoff), int64(tableSize))
	if err != nil {
		return err
	}
	for i := range int(phnum) {
		ent := table[i*int(phentsize) : i*int(phentsize)+progSize]
		var ph prog
		if p.info.Class == 64 {
			var raw elf.Prog64
			if err := binary.Read(bytes.NewReader(ent), p.bo, &raw); err != nil {
				return fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			ph = prog{elf.ProgType(raw.Type), elf.ProgFlag(raw.Flags), raw.Off, raw.Vaddr, raw.Filesz}
		} else {
			var raw elf.Prog32
			if err := binary.Read(bytes.NewReader(ent), p.bo, &raw); err != nil {
				return fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			ph = prog{elf.ProgType(raw.Type), elf.ProgFlag(raw.Flags), uint64(raw.Off), uint64(raw.Vaddr), uint64(raw.Filesz)}
		}
		switch ph.typ {
		case elf.PT_LOAD:
			p.loads = append(p.loads, ph)
		case elf.PT_INTERP:
			// The kernel uses the first one.
			if p.interp == nil {
				p.interp = &ph
			}
		case elf.PT_DYNAMIC:
			if p.dynamic == nil {
				p.dynamic = &ph
			}
		case elf.PT_GNU_STACK:
			p.info.ExecStack = ph.flags&elf.PF_X != 0
		case elf.PT_GNU_RELRO:
			p.relro = true
		}
	}
	return nil
}

// decode reads a fixed-size header structure at off.
func (p *parser) decode(off int64, v any) error {
	b, err := p.s.read(off, int64(binary.Size(v)))
	if err != nil {
		return err
	}
	if err := binary.Read(bytes.NewReader(b), p.bo, v); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return nil
}

// inFile reports whether [off, off+n) lies inside the file.
func (p *parser) inFile(off, n uint64) bool {
	size := uint64(p.s.size)
	return off <= size && n <= size-off
}

func (p *parser) readInterp() error {
	ph := p.interp
	// The kernel refuses to run a file whose PT_INTERP is empty or longer
	// than PATH_MAX, so such a file is not usable.
	if ph.filesz < 2 || ph.filesz > maxInterp {
		return fmt.Errorf("%w: PT_INTERP size %d", ErrMalformed, ph.filesz)
	}
	if !p.inFile(ph.off, ph.filesz) {
		return fmt.Errorf("%w: PT_INTERP beyond end of file", ErrTruncated)
	}
	b, err := p.s.read(int64(ph.off), int64(ph.filesz))
	if errors.Is(err, errBehind) {
		return fmt.Errorf("%w: PT_INTERP lies behind an earlier region beyond the kept prefix", ErrMalformed)
	}
	if err != nil {
		return err
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	p.info.Interpreter = string(b)
	return nil
}

func (p *parser) readDynamic() error {
	ph := p.dynamic
	entSize := uint64(16)
	if p.info.Class == 32 {
		entSize = 8
	}
	n := ph.filesz / entSize
	complete := true
	if n > uint64(p.opts.MaxDynEntries) {
		n, complete = uint64(p.opts.MaxDynEntries), false
	}
	// A dynamic segment cut short by the end of the file still has its
	// leading entries, which are worth reading.
	if size := uint64(p.s.size); ph.off >= size {
		n, complete = 0, false
	} else if avail := (size - ph.off) / entSize; n > avail {
		n, complete = avail, false
	}
	if n == 0 {
		p.info.NeededIncomplete = p.info.NeededIncomplete || !complete
		return nil
	}
	b, err := p.s.read(int64(ph.off), int64(n*entSize))
	if errors.Is(err, errBehind) {
		p.info.NeededIncomplete = true
		return nil
	}
	if err != nil {
		return err
	}
	type dyn struct {
		tag elf.DynTag
		val uint64
	}
	ents := make([]dyn, n)
	if p.info.Class == 64 {
		raw := make([]elf.Dyn64, n)
		if err := binary.Read(bytes.NewReader(b), p.bo, raw); err != nil {
			return fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		for i, d := range raw {
			ents[i] = dyn{elf.DynTag(d.Tag), d.Val}
		}
	} else {
		raw := make([]elf.Dyn32, n)
		if err := binary.Read(bytes.NewReader(b), p.bo, raw); err != nil {
			return fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		for i, d := range raw {
			ents[i] = dyn{elf.DynTag(d.Tag), uint64(d.Val)}
		}
	}
	sawNull := false
	for _, d := range ents {
		val := d.val
		switch d.tag {
		case elf.DT_NULL:
			sawNull = true
		case elf.DT_NEEDED:
			p.needed = append(p.needed, val)
		case elf.DT_SONAME:
			if p.soname == nil {
				p.soname = &val
			}
		case elf.DT_RUNPATH:
			if p.runpath == nil {
				p.runpath = &val
			}
		case elf.DT_RPATH:
			if p.rpath == nil {
				p.rpath = &val
			}
		case elf.DT_STRTAB:
			p.strtab, p.hasStrtab = val, true
		case elf.DT_STRSZ:
			p.strsz, p.hasSz = val, true
		case elf.DT_FLAGS:
			p.flags = val
		case elf.DT_FLAGS_1:
			p.flags1 = val
		case elf.DT_BIND_NOW:
			p.bindNowTag = true
		}
		if sawNull {
			break
		}
	}
	if !sawNull && !complete {
		p.info.NeededIncomplete = true
	}
	return nil
}

// readStrings resolves the string references of the dynamic section. Only
// a failing stream is an error; strings out of reach mark the result
// incomplete.
func (p *parser) readStrings() error {
	refs := slices.Clone(p.needed)
	for _, r := range []*uint64{p.soname, p.runpath, p.rpath} {
		if r != nil {
			refs = append(refs, *r)
		}
	}
	if len(refs) == 0 {
		return nil
	}
	table, base, ok, err := p.stringTable(refs)
	if err != nil {
		return err
	}
	if !ok {
		p.info.NeededIncomplete = true
		return nil
	}
	str := func(off uint64) (string, bool) {
		if off < base || off-base >= uint64(len(table)) {
			return "", false
		}
		b := table[off-base:]
		b = b[:min(len(b), maxString)]
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return "", false
		}
		return string(b[:i]), true
	}
	for _, off := range p.needed {
		if name, ok := str(off); ok {
			p.info.Needed = append(p.info.Needed, name)
		} else {
			p.info.NeededIncomplete = true
		}
	}
	get := func(ref *uint64) string {
		if ref == nil {
			return ""
		}
		v, ok := str(*ref)
		if !ok {
			p.info.NeededIncomplete = true
		}
		return v
	}
	p.info.Soname = get(p.soname)
	p.info.RunPath = splitPath(get(p.runpath))
	p.info.RPath = splitPath(get(p.rpath))
	return nil
}

// stringTable returns the part of the string table that holds refs, and
// the table offset of its first byte; ok is false when it is out of reach.
func (p *parser) stringTable(refs []uint64) (table []byte, base uint64, ok bool, err error) {
	if !p.hasStrtab {
		return nil, 0, false, nil
	}
	off, segLeft, found := p.fileOffset(p.strtab)
	if !found {
		return nil, 0, false, nil
	}
	size := segLeft
	if p.hasSz {
		size = min(size, p.strsz)
	}
	size = min(size, uint64(p.s.size)-off)
	keep := uint64(p.s.keep)
	// Within the kept prefix the whole table is at hand (or ahead).
	if size <= keep && off <= keep-size {
		b, err := p.s.read(int64(off), int64(size))
		return b, 0, err == nil, err
	}
	// Beyond it, only the window the references need is read, and not
	// more than maxStrWindow of it.
	lo, hi := slices.Min(refs), slices.Max(refs)
	if lo >= size {
		return nil, 0, false, nil
	}
	end := size
	if hi < size && size-hi > maxString {
		end = hi + maxString
	}
	end = min(end, lo+maxStrWindow)
	b, err := p.s.read(int64(off+lo), int64(end-lo))
	if errors.Is(err, errBehind) && off+lo < keep {
		// The stream has passed the prefix: what the prefix kept of
		// the table still serves the references that fall in it.
		b, err = p.s.read(int64(off+lo), int64(keep-off-lo))
	}
	if errors.Is(err, errBehind) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	return b, lo, true, nil
}

// fileOffset translates a virtual address to a file offset through the
// PT_LOAD segments, with how many file bytes of the segment follow it.
func (p *parser) fileOffset(addr uint64) (off, left uint64, ok bool) {
	for _, l := range p.loads {
		if addr < l.vaddr || addr-l.vaddr >= l.filesz {
			continue
		}
		delta := addr - l.vaddr
		if l.off > uint64(p.s.size) || delta >= uint64(p.s.size)-l.off {
			return 0, 0, false
		}
		return l.off + delta, l.filesz - delta, true
	}
	return 0, 0, false
}

func (p *parser) classify() {
	i := p.info
	i.BindNow = p.bindNowTag || p.flags&uint64(elf.DF_BIND_NOW) != 0 || p.flags1&uint64(elf.DF_1_NOW) != 0
	i.RELRO = p.relro
	if p.typ == elf.ET_DYN {
		pieFlag := p.flags1&df1PIE != 0
		i.PIE = pieFlag || (i.Interpreter != "" && i.Soname == "")
		i.SharedLib = !pieFlag && (i.Soname != "" || i.Interpreter == "")
	}
	i.Static = i.Interpreter == "" && len(i.Needed) == 0 && !i.NeededIncomplete && !i.SharedLib &&
		(p.typ == elf.ET_EXEC || p.typ == elf.ET_DYN)
}

func splitPath(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ":")
}

func typeName(t elf.Type) string {
	switch t {
	case elf.ET_EXEC:
		return "exec"
	case elf.ET_DYN:
		return "dyn"
	case elf.ET_REL:
		return "rel"
	case elf.ET_CORE:
		return "core"
	}
	return "unknown"
}

func machineName(m elf.Machine, class int, bo binary.ByteOrder) string {
	little := bo == binary.LittleEndian
	pick := func(c32, c64 string) string {
		if class == 64 {
			return c64
		}
		return c32
	}
	switch m {
	case elf.EM_X86_64:
		return "x86_64"
	case elf.EM_AARCH64:
		return "aarch64"
	case elf.EM_386:
		return "386"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_PPC64:
		if little {
			return "ppc64le"
		}
		return "ppc64"
	case elf.EM_PPC:
		return "ppc"
	case elf.EM_S390:
		return pick("s390", "s390x")
	case elf.EM_RISCV:
		return pick("riscv32", "riscv64")
	case elf.EM_MIPS:
		if little {
			return pick("mipsel", "mips64el")
		}
		return pick("mips", "mips64")
	case elf.EM_LOONGARCH:
		return "loongarch64"
	case elf.EM_SPARCV9:
		return "sparc64"
	case elf.EM_SPARC:
		return "sparc"
	}
	// String gives "EM_ALPHA+28359" for values it does not know.
	if name := m.String(); strings.HasPrefix(name, "EM_") && !strings.Contains(name, "+") {
		return strings.ToLower(strings.TrimPrefix(name, "EM_"))
	}
	return fmt.Sprintf("unknown(%d)", uint16(m))
}

// errBehind reports a region that lies beyond the kept prefix and before
// the current stream position: its bytes are gone.
var errBehind = errors.New("elfinfo: region already passed")

// stream reads a file forward only, keeping its first keep bytes.
type stream struct {
	r    io.Reader
	size int64
	keep int64
	// buf holds bytes [0, min(pos, keep)).
	buf []byte
	// pos is how many bytes were consumed from r.
	pos int64
}

// read returns the n bytes at off. The result may alias the kept prefix
// and must not be modified.
func (s *stream) read(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off > s.size || n > s.size-off {
		return nil, fmt.Errorf("%w: data beyond end of file", ErrTruncated)
	}
	end := off + n
	if end <= s.keep {
		if err := s.skipTo(end); err != nil {
			return nil, err
		}
		return s.buf[off:end:end], nil
	}
	// Part of the region lies beyond the kept prefix: that part must
	// still be ahead of the stream.
	from := max(off, s.keep)
	if s.pos > from {
		return nil, errBehind
	}
	if err := s.skipTo(from); err != nil {
		return nil, err
	}
	out := make([]byte, n)
	c := 0
	if off < s.keep {
		c = copy(out, s.buf[off:s.keep])
	}
	if _, err := io.ReadFull(s.r, out[c:]); err != nil {
		return nil, readErr(err)
	}
	s.pos = end
	return out, nil
}

// skipTo consumes the stream up to off, keeping what falls in the prefix.
func (s *stream) skipTo(off int64) error {
	if off <= s.pos {
		return nil
	}
	if s.pos < s.keep {
		end := min(off, s.keep)
		n := int(end - s.pos)
		s.buf = slices.Grow(s.buf, n)
		chunk := s.buf[len(s.buf) : len(s.buf)+n]
		if _, err := io.ReadFull(s.r, chunk); err != nil {
			return readErr(err)
		}
		s.buf = s.buf[:len(s.buf)+n]
		s.pos = end
	}
	if off > s.pos {
		n, err := io.CopyN(io.Discard, s.r, off-s.pos)
		s.pos += n
		if err != nil {
			return readErr(err)
		}
	}
	return nil
}

func readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: stream ends before the declared size", ErrTruncated)
	}
	return fmt.Errorf("elfinfo: %w", err)
}
