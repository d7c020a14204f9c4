// Package astcodec stores compiled Rego modules in a compact binary form and
// reads them back.
//
// OPA has no saved form of a compiled policy: every start parses the Rego
// and runs the compiler's rewriting stages again, which was most of a
// one-Dockerfile run. The compiled modules themselves are plain ASTs,
// though, and a compiler given them back only needs its index stages (see
// pkg/policy's precompiled rules). This package is the storage half: it
// writes the parts of the AST that evaluation reads and refuses, at encode
// time, any node it does not know, so that a construct added to the
// language cannot be silently dropped.
//
// What is not stored: comments, annotations and imports (compiled modules
// have none left that evaluation reads), the source text behind locations,
// and parser-only flags. Locations keep file, row and column, which is what
// evaluation errors print.
//
// OPA's own JSON form of the AST is not an alternative: it does not read
// compiled modules back (unmarshalling the compiled embedded rules fails
// with "unable to unmarshal term"), and it is ~1.5 MB for the Dockerfile
// rule set against 0.35 MB here.
package astcodec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ast/location"
)

// format changes whenever the encoding does; Decode refuses other formats.
const format = 1

var magic = []byte("HLAST")

// Node tags.
const (
	tNull byte = iota + 1
	tFalse
	tTrue
	tNumber
	tString
	tVar
	tRef
	tArray
	tObject
	tSet
	tArrayCompr
	tObjectCompr
	tSetCompr
	tCall
)

// Expression term kinds.
const (
	eTerm byte = iota + 1
	eCall
	eSome
	eEvery
)

// Flags of rules, heads and expressions.
const (
	fDefault = 1 << iota
	fAssign
	fNegated
	fGenerated
	fHasKey
	fHasValue
	fHasElse
)

// Encode writes modules in order. It fails on any node type the decoder
// would not reproduce, and on modules that still carry imports (compiled
// modules do not).
func Encode(mods []*ast.Module) ([]byte, error) {
	e := &encoder{strings: map[string]int{}}
	for _, m := range mods {
		if err := e.module(m); err != nil {
			return nil, err
		}
	}
	out := append([]byte(nil), magic...)
	out = binary.AppendUvarint(out, format)
	out = binary.AppendUvarint(out, uint64(len(e.table)))
	for _, s := range e.table {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	// Counts let the decoder allocate each kind of node in one block.
	for _, n := range []int{len(mods), e.terms, e.termPtrs, e.locs, e.exprs, e.rules} {
		out = binary.AppendUvarint(out, uint64(n))
	}
	return append(out, e.buf...), nil
}

type encoder struct {
	buf     []byte
	strings map[string]int
	table   []string
	// node counts for the decoder's blocks
	terms, termPtrs, locs, exprs, rules int
}

func (e *encoder) uint(n int)  { e.buf = binary.AppendUvarint(e.buf, uint64(n)) }
func (e *encoder) byte(b byte) { e.buf = append(e.buf, b) }

func (e *encoder) str(s string) {
	i, ok := e.strings[s]
	if !ok {
		i = len(e.table)
		e.strings[s] = i
		e.table = append(e.table, s)
	}
	e.uint(i)
}

func (e *encoder) loc(l *location.Location) {
	if l == nil {
		e.byte(0)
		return
	}
	e.byte(1)
	e.locs++
	e.str(l.File)
	e.uint(l.Row)
	e.uint(l.Col)
}

func (e *encoder) module(m *ast.Module) error {
	if m.Package == nil {
		return errors.New("astcodec: module without package")
	}
	if len(m.Imports) > 0 {
		return fmt.Errorf("astcodec: module %s still has imports; encode compiled modules", m.Package.Path)
	}
	if err := e.termList(m.Package.Path); err != nil {
		return err
	}
	e.loc(m.Package.Location)
	e.uint(len(m.Rules))
	for _, r := range m.Rules {
		if err := e.rule(r); err != nil {
			return fmt.Errorf("astcodec: %s: %w", r.Location, err)
		}
	}
	return nil
}

func (e *encoder) rule(r *ast.Rule) error {
	e.rules++
	h := r.Head
	if h == nil {
		return errors.New("rule without head")
	}
	flags := 0
	if r.Default {
		flags |= fDefault
	}
	if h.Assign {
		flags |= fAssign
	}
	if h.Key != nil {
		flags |= fHasKey
	}
	if h.Value != nil {
		flags |= fHasValue
	}
	if r.Else != nil {
		flags |= fHasElse
	}
	e.uint(flags)
	e.loc(r.Location)
	e.str(string(h.Name))
	if err := e.termList(h.Reference); err != nil {
		return err
	}
	if err := e.termList(h.Args); err != nil {
		return err
	}
	if h.Key != nil {
		if err := e.term(h.Key); err != nil {
			return err
		}
	}
	if h.Value != nil {
		if err := e.term(h.Value); err != nil {
			return err
		}
	}
	e.loc(h.Location)
	if err := e.body(r.Body); err != nil {
		return err
	}
	if r.Else != nil {
		return e.rule(r.Else)
	}
	return nil
}

func (e *encoder) body(b ast.Body) error {
	e.uint(len(b))
	for _, x := range b {
		if err := e.expr(x); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) expr(x *ast.Expr) error {
	e.exprs++
	flags := 0
	if x.Negated {
		flags |= fNegated
	}
	if x.Generated {
		flags |= fGenerated
	}
	e.uint(flags)
	e.uint(x.Index)
	e.loc(x.Location)
	var err error
	switch t := x.Terms.(type) {
	case *ast.Term:
		e.byte(eTerm)
		err = e.term(t)
	case []*ast.Term:
		e.byte(eCall)
		err = e.termList(t)
	case *ast.SomeDecl:
		e.byte(eSome)
		e.loc(t.Location)
		err = e.termList(t.Symbols)
	case *ast.Every:
		e.byte(eEvery)
		e.loc(t.Location)
		for _, p := range []*ast.Term{t.Key, t.Value, t.Domain} {
			if err = e.optTerm(p); err != nil {
				return err
			}
		}
		err = e.body(t.Body)
	default:
		return fmt.Errorf("expression of type %T is not supported", x.Terms)
	}
	if err != nil {
		return err
	}
	e.uint(len(x.With))
	for _, w := range x.With {
		if err := e.term(w.Target); err != nil {
			return err
		}
		if err := e.term(w.Value); err != nil {
			return err
		}
		e.loc(w.Location)
	}
	return nil
}

func (e *encoder) optTerm(t *ast.Term) error {
	if t == nil {
		e.byte(0)
		return nil
	}
	e.byte(1)
	return e.term(t)
}

// terms_ writes a term slice; nil and empty are both written as empty and
// read back as nil, which is how the parser leaves absent refs and args.
func (e *encoder) termList(ts []*ast.Term) error {
	e.uint(len(ts))
	e.termPtrs += len(ts)
	for _, t := range ts {
		if err := e.term(t); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) term(t *ast.Term) error {
	if t == nil {
		return errors.New("nil term")
	}
	e.terms++
	e.loc(t.Location)
	switch v := t.Value.(type) {
	case ast.Null:
		e.byte(tNull)
	case ast.Boolean:
		if v {
			e.byte(tTrue)
		} else {
			e.byte(tFalse)
		}
	case ast.Number:
		e.byte(tNumber)
		e.str(string(v))
	case ast.String:
		e.byte(tString)
		e.str(string(v))
	case ast.Var:
		e.byte(tVar)
		e.str(string(v))
	case ast.Ref:
		e.byte(tRef)
		return e.termList(v)
	case ast.Call:
		e.byte(tCall)
		return e.termList(v)
	case *ast.Array:
		e.byte(tArray)
		ts := make([]*ast.Term, v.Len())
		for i := range ts {
			ts[i] = v.Elem(i)
		}
		return e.termList(ts)
	case ast.Set:
		e.byte(tSet)
		return e.termList(v.Slice())
	case ast.Object:
		e.byte(tObject)
		keys := v.Keys()
		e.uint(len(keys))
		for _, k := range keys {
			if err := e.term(k); err != nil {
				return err
			}
			if err := e.term(v.Get(k)); err != nil {
				return err
			}
		}
	case *ast.ArrayComprehension:
		e.byte(tArrayCompr)
		if err := e.term(v.Term); err != nil {
			return err
		}
		return e.body(v.Body)
	case *ast.SetComprehension:
		e.byte(tSetCompr)
		if err := e.term(v.Term); err != nil {
			return err
		}
		return e.body(v.Body)
	case *ast.ObjectComprehension:
		e.byte(tObjectCompr)
		if err := e.term(v.Key); err != nil {
			return err
		}
		if err := e.term(v.Value); err != nil {
			return err
		}
		return e.body(v.Body)
	default:
		return fmt.Errorf("term of type %T is not supported", t.Value)
	}
	return nil
}

// Decode reads modules written by Encode. Every rule gets its Module
// pointer, as the parser sets it; the Rego version is left to the
// compiler's default. Corrupt input is an error, never a panic.
func Decode(b []byte) (mods []*ast.Module, err error) {
	d := &decoder{buf: b}
	defer func() {
		if p := recover(); p != nil {
			mods, err = nil, fmt.Errorf("astcodec: corrupt input at byte %d: %v", d.pos, p)
		}
	}()
	if len(b) < len(magic) || string(b[:len(magic)]) != string(magic) {
		return nil, errors.New("astcodec: not an encoded module set")
	}
	d.pos = len(magic)
	if f := d.uint(); f != format {
		return nil, fmt.Errorf("astcodec: format %d, want %d", f, format)
	}
	n := d.count()
	d.table = make([]string, n)
	for i := range d.table {
		l := d.count()
		d.table[i] = string(d.bytes(l))
	}
	nmods := d.count()
	d.terms = make([]ast.Term, d.count())
	d.termPtrs = make([]*ast.Term, d.count())
	d.locs = make([]location.Location, d.count())
	d.exprs = make([]ast.Expr, d.count())
	d.rules = make([]ast.Rule, d.count())
	d.heads = make([]ast.Head, len(d.rules))
	mods = make([]*ast.Module, nmods)
	for i := range mods {
		mods[i] = d.module()
	}
	if d.pos != len(d.buf) {
		return nil, fmt.Errorf("astcodec: %d trailing bytes", len(d.buf)-d.pos)
	}
	return mods, nil
}

type decoder struct {
	buf   []byte
	pos   int
	table []string
	// Blocks of nodes, handed out in order; sized from the encoder's counts.
	terms    []ast.Term
	termPtrs []*ast.Term
	locs     []location.Location
	exprs    []ast.Expr
	rules    []ast.Rule
	heads    []ast.Head
}

// corrupt panics with a message; Decode turns it into an error.
func corrupt(what string) { panic(what) }

// next hands out the first node of a block.
func next[T any](block *[]T, what string) *T {
	if len(*block) == 0 {
		corrupt("more " + what + " than counted")
	}
	n := &(*block)[0]
	*block = (*block)[1:]
	return n
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.buf[d.pos:])
	if n <= 0 {
		corrupt("bad varint")
	}
	d.pos += n
	return v
}

// count reads a length that must fit in what is left of the input: no
// encoded element takes less than a byte, so a larger count is corrupt and
// would otherwise allocate without bound.
func (d *decoder) count() int {
	v := d.uint()
	if v > uint64(len(d.buf)) || v > math.MaxInt32 {
		corrupt("count out of range")
	}
	return int(v)
}

func (d *decoder) int() int {
	v := d.uint()
	if v > math.MaxInt32 {
		corrupt("integer out of range")
	}
	return int(v)
}

func (d *decoder) bytes(n int) []byte {
	if n > len(d.buf)-d.pos {
		corrupt("short input")
	}
	b := d.buf[d.pos : d.pos+n]
	d.pos += n
	return b
}

func (d *decoder) byte() byte { return d.bytes(1)[0] }

func (d *decoder) str() string {
	i := d.uint()
	if i >= uint64(len(d.table)) {
		corrupt("string index out of range")
	}
	return d.table[i]
}

func (d *decoder) loc() *location.Location {
	if d.byte() == 0 {
		return nil
	}
	l := next(&d.locs, "locations")
	l.File = d.str()
	l.Row = d.int()
	l.Col = d.int()
	return l
}

func (d *decoder) module() *ast.Module {
	m := &ast.Module{Package: &ast.Package{}}
	m.Package.Path = ast.Ref(d.termSlice())
	m.Package.Location = d.loc()
	n := d.count()
	m.Rules = make([]*ast.Rule, n)
	for i := range m.Rules {
		m.Rules[i] = d.rule(m)
	}
	return m
}

func (d *decoder) rule(m *ast.Module) *ast.Rule {
	r, h := next(&d.rules, "rules"), next(&d.heads, "rules")
	flags := d.int()
	r.Module = m
	r.Default = flags&fDefault != 0
	r.Location = d.loc()
	r.Head = h
	h.Assign = flags&fAssign != 0
	h.Name = ast.Var(d.str())
	h.Reference = d.termSlice()
	if args := d.termSlice(); args != nil {
		h.Args = args
	}
	if flags&fHasKey != 0 {
		h.Key = d.term()
	}
	if flags&fHasValue != 0 {
		h.Value = d.term()
	}
	h.Location = d.loc()
	r.Body = d.body()
	if flags&fHasElse != 0 {
		r.Else = d.rule(m)
	}
	return r
}

func (d *decoder) body() ast.Body {
	n := d.count()
	if n == 0 {
		return nil
	}
	b := make(ast.Body, n)
	for i := range b {
		b[i] = d.expr()
	}
	return b
}

func (d *decoder) expr() *ast.Expr {
	x := next(&d.exprs, "expressions")
	flags := d.int()
	x.Negated = flags&fNegated != 0
	x.Generated = flags&fGenerated != 0
	x.Index = d.int()
	x.Location = d.loc()
	switch d.byte() {
	case eTerm:
		x.Terms = d.term()
	case eCall:
		x.Terms = d.termSlice()
	case eSome:
		s := &ast.SomeDecl{Location: d.loc()}
		s.Symbols = d.termSlice()
		x.Terms = s
	case eEvery:
		ev := &ast.Every{Location: d.loc()}
		ev.Key, ev.Value, ev.Domain = d.optTerm(), d.optTerm(), d.optTerm()
		ev.Body = d.body()
		x.Terms = ev
	default:
		corrupt("unknown expression kind")
	}
	if n := d.count(); n > 0 {
		x.With = make([]*ast.With, n)
		for i := range x.With {
			w := &ast.With{}
			w.Target = d.term()
			w.Value = d.term()
			w.Location = d.loc()
			x.With[i] = w
		}
	}
	return x
}

func (d *decoder) optTerm() *ast.Term {
	if d.byte() == 0 {
		return nil
	}
	return d.term()
}

// termSlice reads a term slice into the shared block of term pointers; the
// capacity is capped so that an append by a later compiler stage copies
// instead of overwriting the neighbour.
func (d *decoder) termSlice() []*ast.Term {
	n := d.count()
	if n == 0 {
		return nil
	}
	if n > len(d.termPtrs) {
		corrupt("more term pointers than counted")
	}
	ts := d.termPtrs[:n:n]
	d.termPtrs = d.termPtrs[n:]
	for i := range ts {
		ts[i] = d.term()
	}
	return ts
}

func (d *decoder) term() *ast.Term {
	t := next(&d.terms, "terms")
	t.Location = d.loc()
	switch tag := d.byte(); tag {
	case tNull:
		t.Value = ast.NullValue
	case tFalse:
		t.Value = ast.InternedValue(false)
	case tTrue:
		t.Value = ast.InternedValue(true)
	case tNumber:
		t.Value = ast.Number(d.str())
	case tString:
		t.Value = ast.String(d.str())
	case tVar:
		t.Value = ast.Var(d.str())
	case tRef:
		t.Value = ast.Ref(d.termSlice())
	case tCall:
		t.Value = ast.Call(d.termSlice())
	case tArray:
		t.Value = ast.NewArray(d.termSlice()...)
	case tSet:
		t.Value = ast.NewSet(d.termSlice()...)
	case tObject:
		n := d.count()
		pairs := make([][2]*ast.Term, n)
		for i := range pairs {
			pairs[i] = [2]*ast.Term{d.term(), d.term()}
		}
		t.Value = ast.NewObject(pairs...)
	case tArrayCompr:
		c := &ast.ArrayComprehension{Term: d.term()}
		c.Body = d.body()
		t.Value = c
	case tSetCompr:
		c := &ast.SetComprehension{Term: d.term()}
		c.Body = d.body()
		t.Value = c
	case tObjectCompr:
		c := &ast.ObjectComprehension{Key: d.term()}
		c.Value = d.term()
		c.Body = d.body()
		t.Value = c
	default:
		corrupt(fmt.Sprintf("unknown term tag %d", tag))
	}
	return t
}

// Equal reports whether two module lists have the same packages and rules
// with the same locations (file, row, column), which is what Encode keeps:
// ast.Module.Equal ignores locations and compares annotations, which are
// not stored.
func Equal(a, b []*ast.Module) bool {
	return slices.EqualFunc(a, b, func(x, y *ast.Module) bool {
		return x.Package.Equal(y.Package) &&
			slices.EqualFunc(x.Rules, y.Rules, (*ast.Rule).Equal) &&
			slices.Equal(locations(x), locations(y))
	})
}

func locations(m *ast.Module) []string {
	var out []string
	add := func(l *location.Location) {
		if l == nil {
			out = append(out, "-")
			return
		}
		out = append(out, fmt.Sprintf("%s:%d:%d", l.File, l.Row, l.Col))
	}
	ast.NewGenericVisitor(func(x any) bool {
		switch n := x.(type) {
		case *ast.Term:
			add(n.Location)
		case *ast.Expr:
			add(n.Location)
		case *ast.Rule:
			add(n.Location)
		case *ast.Head:
			add(n.Location)
		case *ast.With:
			add(n.Location)
		}
		return false
	}).Walk(m)
	return out
}
