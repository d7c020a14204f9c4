package main

import (
	"io"
	"os"
	"path/filepath"
)

// writeOutput writes what write produces to stdout when path is empty, in
// place to a device or pipe, and otherwise atomically to a regular file.
// Every report and the baseline file go through it, so a failed run never
// leaves half a file for an upload step or a later run to choke on.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" {
		if err := write(stdout); err != nil {
			return fail(exitError, "writing report: %v", err)
		}
		return nil
	}
	// Devices, pipes and other non-regular files (/dev/null, /dev/stdout,
	// a FIFO) are written in place: renaming over them would replace them.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		out, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err == nil {
			err = write(out)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return fail(exitError, "cannot write %s: %v", path, err)
		}
		return nil
	}
	if err := writeFileAtomic(path, write); err != nil {
		return fail(exitError, "cannot write %s: %v", path, err)
	}
	return nil
}

// writeFileAtomic writes a temporary file beside path and renames it over
// path.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".hardline-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file 0600; reports and baselines hold no secret
	// values (they are masked) and CI steps may read them as another user.
	_ = tmp.Chmod(0o644)
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err
}
