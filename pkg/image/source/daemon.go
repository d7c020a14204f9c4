package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// The Docker Engine API is spoken directly over net/http rather than through ggcr's daemon
// package: that package reads the whole `docker save` stream into memory by default, and an
// image can be gigabytes. Only three plain endpoints are needed: /_ping, /images/{name}/json
// and /images/{name}/get.

const defaultDockerHost = "unix:///var/run/docker.sock"

// dockerAPI is a minimal Docker Engine API client.
type dockerAPI struct {
	host      string // as configured, for messages
	base      string // URL prefix
	client    *http.Client
	userAgent string
}

func newDockerAPI(host, userAgent string) (*dockerAPI, error) {
	u, err := url.Parse(host)
	if err != nil {
		return nil, fmt.Errorf("invalid Docker host %q", host)
	}
	tr := &http.Transport{MaxIdleConns: 2, IdleConnTimeout: 30 * time.Second, ResponseHeaderTimeout: 0}
	api := &dockerAPI{host: host, userAgent: userAgent}
	switch u.Scheme {
	case "unix":
		sock := u.Path
		if sock == "" {
			sock = u.Opaque
		}
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}
		// The host part of the URL is not used on a unix socket; Docker only needs it well formed.
		api.base = "http://docker"
	case "tcp", "http":
		if u.Host == "" {
			return nil, fmt.Errorf("invalid Docker host %q", host)
		}
		api.base = "http://" + u.Host
	default:
		return nil, fmt.Errorf("unsupported Docker host %q (use unix:// or tcp://)", host)
	}
	api.client = &http.Client{Transport: tr}
	return api, nil
}

// get performs a GET and returns the response when the status is 200, else an apiError.
func (a *dockerAPI) get(ctx context.Context, p string) (*http.Response, error) {
	u := a.base + (&url.URL{Path: p}).EscapedPath()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if a.userAgent != "" {
		req.Header.Set("User-Agent", a.userAgent)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &unreachableError{host: a.host, err: err}
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var msg struct {
			Message string `json:"message"`
		}
		text := strings.TrimSpace(string(body))
		if json.Unmarshal(body, &msg) == nil && msg.Message != "" {
			text = msg.Message
		}
		return nil, &apiError{status: resp.StatusCode, msg: text}
	}
	return resp, nil
}

type unreachableError struct {
	host string
	err  error
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("cannot reach the Docker daemon at %s: %v", e.host, e.err)
}

func (e *unreachableError) Unwrap() error { return e.err }

type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string {
	if e.msg == "" {
		return fmt.Sprintf("Docker daemon: HTTP %d", e.status)
	}
	return "Docker daemon: " + e.msg
}

// dockerInspect is the part of GET /images/{name}/json used here.
type dockerInspect struct {
	ID           string     `json:"Id"`
	Created      string     `json:"Created"`
	Author       string     `json:"Author"`
	Architecture string     `json:"Architecture"`
	Variant      string     `json:"Variant"`
	OS           string     `json:"Os"`
	OSVersion    string     `json:"OsVersion"`
	Config       *v1.Config `json:"Config"`
	RootFS       struct {
		Type   string   `json:"Type"`
		Layers []string `json:"Layers"`
	} `json:"RootFS"`
}

func openDaemon(ctx context.Context, ref, imageName string, opts Options) (*Image, error) {
	if imageName == "" {
		return nil, errors.New("missing image name")
	}
	if !validDaemonName(imageName) {
		return nil, errors.New("not a valid image name or ID")
	}
	host := opts.DockerHost
	if host == "" {
		host = os.Getenv("DOCKER_HOST")
	}
	if host == "" {
		host = defaultDockerHost
	}
	api, err := newDockerAPI(host, opts.UserAgent)
	if err != nil {
		return nil, err
	}
	if err := api.ping(ctx); err != nil {
		return nil, err
	}
	resp, err := api.get(ctx, "/images/"+imageName+"/json")
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.status == http.StatusNotFound {
			return nil, errors.New("no such image in the Docker daemon")
		}
		return nil, err
	}
	defer resp.Body.Close()
	var ins dockerInspect
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxMetaSize)).Decode(&ins); err != nil {
		return nil, fmt.Errorf("the Docker daemon sent an unreadable image description: %w", err)
	}

	cfg, layers, err := configFromInspect(&ins)
	if err != nil {
		return nil, err
	}
	img := &Image{
		Ref:       ref,
		Name:      ref,
		Transport: TransportDockerDaemon,
		Config:    cfg,
		Layers:    layers,
		Platform:  platformString(cfg),
	}
	known := map[string]int{}
	for i, l := range layers {
		// Docker 25+ with the classic store exports layers uncompressed under their diff_id.
		if h, err := v1.NewHash(l.DiffID); err == nil {
			if _, dup := known[blobPath(h)]; !dup {
				known[blobPath(h)] = i
			}
		}
	}
	// Export by ID: by name, the daemon exports every tag of a repository given without one.
	exportName := ins.ID
	if exportName == "" {
		exportName = imageName
	}
	img.stream = &streamSource{
		where: "daemon's export",
		open: func(ctx context.Context) (io.ReadCloser, error) {
			resp, err := api.get(ctx, "/images/"+exportName+"/get")
			if err != nil {
				return nil, err
			}
			return resp.Body, nil
		},
		known:  known,
		finish: func(ms *memStore) (*resolved, error) { return resolveExport(ms, &ins, layers) },
	}
	img.closers = append(img.closers, func() error { api.client.CloseIdleConnections(); return nil })
	return img, nil
}

// validDaemonName rejects names that no image can have and that would change the request's
// meaning once placed in the URL path: dot segments would reach another API endpoint.
func validDaemonName(n string) bool {
	if strings.ContainsAny(n, "?#%\\ \t\r\n") || strings.HasPrefix(n, "/") {
		return false
	}
	for _, part := range strings.Split(n, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}

func (a *dockerAPI) ping(ctx context.Context) error {
	resp, err := a.get(ctx, "/_ping")
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	return resp.Body.Close()
}

// configFromInspect builds the config Open reports for a daemon image. It lacks the history,
// which only the exported config file carries; ReadLayers replaces it with that file.
func configFromInspect(ins *dockerInspect) (*v1.ConfigFile, []Layer, error) {
	cfg := &v1.ConfigFile{
		Architecture: ins.Architecture,
		OS:           ins.OS,
		OSVersion:    ins.OSVersion,
		Variant:      ins.Variant,
		Author:       ins.Author,
		RootFS:       v1.RootFS{Type: "layers"},
	}
	if ins.Config != nil {
		cfg.Config = *ins.Config
	}
	if t, err := time.Parse(time.RFC3339Nano, ins.Created); err == nil {
		cfg.Created = v1.Time{Time: t}
	}
	layers := make([]Layer, len(ins.RootFS.Layers))
	for i, d := range ins.RootFS.Layers {
		h, err := v1.NewHash(d)
		if err != nil {
			return nil, nil, fmt.Errorf("the Docker daemon reports an invalid layer diff_id %q", d)
		}
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, h)
		layers[i] = Layer{Index: i, DiffID: h.String(), Size: -1}
	}
	return cfg, layers, nil
}

// resolveExport finds, in the metadata of the daemon's export, the image that was inspected.
func resolveExport(ms *memStore, ins *dockerInspect, want []Layer) (*resolved, error) {
	matches := func(res *resolved) bool {
		if len(res.layers) != len(want) {
			return false
		}
		for i := range want {
			if res.layers[i].DiffID != want[i].DiffID {
				return false
			}
		}
		return true
	}
	if entries, err := readDockerManifest(ms); err == nil {
		var fallback *resolved
		for i := range entries {
			res, err := resolveDockerEntry(ms, &entries[i])
			if err != nil || !matches(res) {
				continue
			}
			if sha256Digest(res.rawConfig) == ins.ID || len(entries) == 1 {
				return res, nil
			}
			if fallback == nil {
				fallback = res
			}
		}
		if fallback != nil {
			return fallback, nil
		}
		return nil, errors.New("the daemon's export does not contain the inspected image")
	}
	raw, err := ms.readMeta("index.json")
	if err != nil {
		return nil, errors.New("the daemon's export has neither manifest.json nor index.json")
	}
	idx, err := parseIndex(raw)
	if err != nil {
		return nil, fmt.Errorf("index.json: %w", err)
	}
	var found *resolved
	var walk func(descs []v1.Descriptor, outer string, depth int)
	walk = func(descs []v1.Descriptor, outer string, depth int) {
		for _, d := range descs {
			if found != nil || depth > maxNesting {
				return
			}
			if d.MediaType.IsIndex() {
				mraw, err := readBlob(ms, d)
				if err != nil {
					continue
				}
				child, err := parseIndex(mraw)
				if err != nil {
					continue
				}
				next := outer
				if next == "" {
					next = d.Digest.String()
				}
				walk(child.Manifests, next, depth+1)
				continue
			}
			if !d.MediaType.IsImage() {
				continue
			}
			mraw, err := readBlob(ms, d)
			if err != nil {
				continue
			}
			res, err := fromManifest(ms, d, mraw, &resolved{indexDigest: outer})
			if err == nil && matches(res) {
				found = res
			}
		}
	}
	walk(idx.Manifests, "", 0)
	if found == nil {
		return nil, errors.New("the daemon's export does not contain the inspected image")
	}
	return found, nil
}
