package dockerfile

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostileDockerfiles are inputs a linter pointed at an untrusted repository
// may meet. Each must give a document or one *Error, never a panic, in
// bounded time and memory.
func hostileDockerfiles(t testing.TB) map[string][]byte {
	t.Helper()
	garbage := make([]byte, 1<<20)
	if _, err := rand.Read(garbage); err != nil {
		t.Fatal(err)
	}
	var many strings.Builder
	many.WriteString("FROM alpine:3.20\n")
	for i := range 10_000 {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&many, "RUN echo %d && apk add --no-cache pkg%d\n", i, i)
		case 1:
			fmt.Fprintf(&many, "ENV V%d=$V%d-x\n", i, i-1)
		case 2:
			fmt.Fprintf(&many, "ARG A%d=${A%d:-d}\n", i, i-2)
		default:
			fmt.Fprintf(&many, "COPY f%d /f%d\n", i, i)
		}
	}
	many.WriteString("USER 1000\n")

	// ARG A0=$A1, A1=$A2 … : each refers to the next, which is not yet
	// declared; and a chain where each refers to the previous, whose
	// value doubles at every step unless expansion is bounded.
	var chain, doubling strings.Builder
	for i := range 5_000 {
		fmt.Fprintf(&chain, "ARG A%d=$A%d\n", i, i+1)
	}
	chain.WriteString("FROM alpine:${A0}\nARG A0\nRUN echo $A0\n")
	doubling.WriteString("ARG D0=xx\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&doubling, "ARG D%d=${D%d}${D%d}\n", i, i-1, i-1)
	}
	doubling.WriteString("FROM alpine\nARG D40\nRUN echo ${D40}\n")

	line := strings.Repeat("a", 10<<20)
	return map[string][]byte{
		"binary garbage":           garbage,
		"garbage after FROM":       append([]byte("FROM alpine\n"), garbage...),
		"10 MB RUN line":           []byte("FROM alpine\nRUN echo " + line + "\n"),
		"10 MB line continuation":  []byte("FROM alpine\nRUN echo \\\n" + strings.Repeat("a \\\n", 2<<20) + "b\n"),
		"10 MB comment":            []byte("# " + line + "\nFROM alpine\n"),
		"10 MB FROM":               []byte("FROM " + line + "\n"),
		"10,000 instructions":      []byte(many.String()),
		"ARG chain":                []byte(chain.String()),
		"ARG doubling":             []byte(doubling.String()),
		"self-referencing ARG":     []byte("ARG A=$A$A$A\nFROM alpine:$A\nARG A\nENV B=$A$A\nRUN echo $B\n"),
		"unterminated heredoc":     []byte("FROM alpine\nRUN <<EOF\necho never closed\n"),
		"unterminated heredocs":    []byte("FROM alpine\nRUN <<A <<B cat\n" + strings.Repeat("x\n", 100_000)),
		"invalid UTF-8":            []byte("FROM alpine\nRUN echo \xff\xfe\xc3\x28 \xed\xa0\x80\nUSER \xc0\xaf\n"),
		"CRLF":                     []byte("FROM alpine\r\nRUN echo a \\\r\n  b\r\nUSER 1000\r\n"),
		"BOM":                      []byte("\xef\xbb\xbfFROM alpine\nUSER 1000\n"),
		"BOM and CRLF":             []byte("\xef\xbb\xbfFROM alpine\r\nUSER 1000\r\n"),
		"UTF-16 with BOM":          []byte("\xff\xfeF\x00R\x00O\x00M\x00 \x00a\x00\n\x00"),
		"NUL bytes":                []byte("FROM alp\x00ine\nRUN echo \x00\x00\nUSER \x00\n"),
		"only NULs":                make([]byte, 4096),
		"empty":                    nil,
		"only comments":            []byte("# a\n# b\n"),
		"lone CR":                  []byte("FROM alpine\rRUN x\r"),
		"deep ${} nesting":         []byte("FROM alpine\nRUN echo " + strings.Repeat("${A:-", 10_000) + strings.Repeat("}", 10_000) + "\n"),
		"deep subshells":           []byte("FROM alpine\nRUN " + strings.Repeat("(", 10_000) + "true" + strings.Repeat(")", 10_000) + "\n"),
		"deep JSON":                []byte("FROM alpine\nCMD " + strings.Repeat("[", 100_000) + "\n"),
		"10,000 stages":            []byte(strings.Repeat("FROM alpine AS s\n", 10_000)),
		"10,000 FROM <stage>":      stageChain(10_000),
		"escape directive garbage": []byte("# escape=\xff\nFROM alpine\n"),
	}
}

func stageChain(n int) []byte {
	var b strings.Builder
	b.WriteString("FROM alpine AS s0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\n", i-1, i)
	}
	return []byte(b.String())
}

// TestHostileDockerfiles: every hostile input gives a document or one
// located *Error (a single line), never a panic, within a generous time
// bound per input (seconds where a hang or a blow-up takes minutes or
// forever), and with a bounded amount of memory.
func TestHostileDockerfiles(t *testing.T) {
	for name, src := range hostileDockerfiles(t) {
		t.Run(name, func(t *testing.T) {
			var (
				doc  *Document
				err  error
				a, b runtime.MemStats
			)
			runtime.GC()
			runtime.ReadMemStats(&a)
			done := make(chan struct{})
			go func() {
				defer close(done)
				doc, err = Parse("Dockerfile", src, Options{})
			}()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				t.Fatal("Parse still running after 60s")
			}
			runtime.ReadMemStats(&b)
			if err != nil {
				var pe *Error
				if !errors.As(err, &pe) {
					t.Fatalf("error %T is not *Error: %v", err, err)
				}
				if strings.Contains(pe.Msg, "internal error") {
					t.Fatalf("panic: %v", err)
				}
				if strings.ContainsAny(err.Error(), "\r\n") {
					t.Errorf("error is not one line: %.200q", err)
				}
				if len(err.Error()) > 1000 {
					t.Errorf("error of %d bytes: %.200q", len(err.Error()), err)
				}
				if !strings.HasPrefix(err.Error(), "Dockerfile:") {
					t.Errorf("error does not name the file: %.200q", err)
				}
				t.Logf("error: %.200s", err)
			} else {
				if _, err := json.Marshal(doc); err != nil {
					t.Fatalf("marshal: %v", err)
				}
				t.Logf("document: %d stages", len(doc.Stages))
			}
			// Generous: 64 bytes of facts and parse trees per input byte,
			// plus 1 GiB (10,000 instructions allocate ~800 MiB: per-
			// instruction scope copies). What it catches is the
			// exponential case.
			alloc := b.TotalAlloc - a.TotalAlloc
			if limit := uint64(len(src))*64 + 1<<30; alloc > limit {
				t.Errorf("allocated %d MiB for %d bytes of input", alloc>>20, len(src))
			}
		})
	}
}

// TestHostileDockerfilesFacts pins the outcome of inputs that have a right
// answer, so that "no panic" is not the only thing tested.
func TestHostileDockerfilesFacts(t *testing.T) {
	srcs := hostileDockerfiles(t)
	parse := func(name string) *Document {
		t.Helper()
		doc, err := Parse("Dockerfile", srcs[name], Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return doc
	}
	for _, name := range []string{"CRLF", "BOM", "BOM and CRLF"} {
		doc := parse(name)
		st := doc.Stages[doc.FinalStage]
		if st.Base.Resolved != "alpine" {
			t.Errorf("%s: FROM %q", name, st.Base.Resolved)
		}
		if st.Runtime.User == nil || st.Runtime.User.User != "1000" {
			t.Errorf("%s: USER %+v, want 1000 (no CR, no BOM)", name, st.Runtime.User)
		}
	}
	doc := parse("10,000 instructions")
	if n := len(doc.Stages[0].Instructions); n != 10_001 { // 10,000 and the USER
		t.Errorf("10,000 instructions: %d in the stage", n)
	}
	// The doubling chain is 2^41 bytes if expanded naively: its value must
	// be bounded (or unknown), not allocated.
	doc = parse("ARG doubling")
	if b, _ := json.Marshal(doc); len(b) > 64<<20 {
		t.Errorf("ARG doubling: a %d MiB document", len(b)>>20)
	}
	for _, name := range []string{"binary garbage", "empty", "only comments", "only NULs"} {
		if _, err := Parse("Dockerfile", srcs[name], Options{}); err == nil {
			t.Errorf("%s: no error for an input without FROM", name)
		}
	}
}
