package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hardline-dev/hardline/pkg/lint"
)

const (
	// progressDelay keeps quick scans silent: a status line that flashes
	// for a few milliseconds is noise.
	progressDelay = time.Second
	// progressInterval throttles redraws; the line shows whole seconds.
	progressInterval = 250 * time.Millisecond
	// progressWidth keeps the line short enough not to wrap on a standard
	// terminal (a wrapped line cannot be cleared with one \r).
	progressWidth = 79
)

// progressEnabled says whether to draw a status line on standard error:
// only for a person watching a terminal, never in pipes, files or CI logs
// (CI services set CI; their log viewers show every redraw as a line).
func progressEnabled(s streams, quiet bool, getenv func(string) string) bool {
	return s.errIsTerminal && !quiet && getenv("CI") == "" && getenv("TERM") != "dumb"
}

// progress draws one self-overwriting status line on a terminal.
type progress struct {
	w        io.Writer
	start    time.Time
	delay    time.Duration
	mu       sync.Mutex
	status   string
	drawn    bool   // a line is on the screen and must be cleared
	last     string // the line on the screen: unchanged lines are not redrawn
	finished bool
	stop     chan struct{}
	done     chan struct{}
}

// startProgress redraws the status every interval, from delay on, until
// finish. It returns nil when progress is off; a nil *progress does nothing.
func startProgress(s streams, quiet bool) *progress {
	if !progressEnabled(s, quiet, os.Getenv) {
		return nil
	}
	return newProgress(s.err, progressDelay, progressInterval)
}

func newProgress(w io.Writer, delay, interval time.Duration) *progress {
	p := &progress{w: w, start: time.Now(), delay: delay, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case now := <-t.C:
				p.draw(now)
			}
		}
	}()
	return p
}

// image is a lint.ImageOptions.Progress callback.
func (p *progress) image(ip lint.ImageProgress) {
	if p == nil {
		return
	}
	msg := fmt.Sprintf("%s: %s", ip.Ref, ip.Step)
	if ip.Step == lint.StepLayers && ip.Layers > 0 {
		msg = fmt.Sprintf("%s: reading %d %s", ip.Ref, ip.Layers, plural(ip.Layers, "layer", "layers"))
		if ip.Bytes > 0 {
			msg += fmt.Sprintf(" (%s)", humanBytes(ip.Bytes))
		}
	}
	p.mu.Lock()
	p.status = msg
	p.mu.Unlock()
}

func (p *progress) draw(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := now.Sub(p.start)
	if p.finished || p.status == "" || elapsed < p.delay {
		return
	}
	line := fmt.Sprintf("hardline: %s … %ds", p.status, int(elapsed.Seconds()))
	if utf8.RuneCountInString(line) > progressWidth {
		// Keep the end: the elapsed time is what changes.
		r := []rune(line)
		line = "…" + string(r[len(r)-progressWidth+1:])
	}
	if p.drawn && line == p.last {
		return
	}
	// \r and erase-line: the terminal keeps one line, whatever its length.
	fmt.Fprint(p.w, "\r\x1b[K"+line)
	p.drawn, p.last = true, line
}

// finish stops redrawing and clears the line, so that the report or the
// next prompt starts on a clean line.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	if p.finished {
		p.mu.Unlock()
		return
	}
	p.finished = true
	p.mu.Unlock()
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
