package httpapi

import (
	"bytes"
	clist "container/list"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// versionKey is where the cache leaves the dataset version it read, so the handler
// does not read it again.
const versionKey = "registry.dataset_version"

// version returns the dataset version of this request's answer.
func (s *Server) version(c echo.Context) (string, error) {
	if v, ok := c.Get(versionKey).(string); ok {
		return v, nil
	}
	v, err := s.store.DatasetVersion(c.Request().Context())
	if err == nil {
		c.Set(versionKey, v)
	}
	return v, err
}

// responseCache keeps public answers by dataset version and request. An answer
// depends only on the public data, which the dataset version names, and on the
// request; so an entry is right for as long as the version stands, on every instance
// that reads the same database. The version is read from the database on every
// request: a change made through another instance is seen at once.
type responseCache struct {
	mu       sync.Mutex
	version  string
	entries  map[string]*clist.Element
	lru      *clist.List
	size     int
	maxBytes int
}

type cachedResponse struct {
	key    string
	status int
	header http.Header
	body   []byte
}

// maxCachedBody bounds one entry; larger answers are served uncached.
const maxCachedBody = 2 << 20

func newResponseCache(maxBytes int) *responseCache {
	return &responseCache{entries: map[string]*clist.Element{}, lru: clist.New(), maxBytes: maxBytes}
}

func (rc *responseCache) get(version, key string) *cachedResponse {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if version != rc.version {
		return nil
	}
	if el, ok := rc.entries[key]; ok {
		rc.lru.MoveToFront(el)
		return el.Value.(*cachedResponse)
	}
	return nil
}

func (rc *responseCache) put(version string, r *cachedResponse) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if version != rc.version {
		// A new dataset version: every older answer is stale.
		rc.version, rc.entries, rc.size = version, map[string]*clist.Element{}, 0
		rc.lru.Init()
	}
	if _, ok := rc.entries[r.key]; ok {
		return
	}
	rc.entries[r.key] = rc.lru.PushFront(r)
	rc.size += len(r.body) + len(r.key)
	for rc.size > rc.maxBytes && rc.lru.Len() > 0 {
		old := rc.lru.Remove(rc.lru.Back()).(*cachedResponse)
		delete(rc.entries, old.key)
		rc.size -= len(old.body) + len(old.key)
	}
}

// cacheable reports whether a request's answer may come from the cache: an anonymous
// GET of the read API (exports stream and are not kept).
func cacheable(c echo.Context) bool {
	r := c.Request()
	p := r.URL.Path
	return r.Method == http.MethodGet && r.Header.Get(echo.HeaderAuthorization) == "" &&
		strings.HasPrefix(p, "/api/v1/") && !strings.HasPrefix(p, "/api/v1/export/") &&
		!strings.HasPrefix(p, "/api/v1/auth/") && !strings.HasPrefix(p, "/api/v1/users")
}

// cache answers cacheable requests from the response cache, and keeps what the
// handler answers with 200.
func (s *Server) cache(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !cacheable(c) {
			return next(c)
		}
		version, err := s.version(c)
		if err != nil {
			return err
		}
		r := c.Request()
		key := r.URL.RequestURI() + "\x00" + r.Header.Get(echo.HeaderAccept)
		if hit := s.responses.get(version, key); hit != nil {
			h := c.Response().Header()
			for k, v := range hit.header {
				if k == echo.HeaderVary {
					h[k] = append(h[k], v...) // after the compressor's, which differs by request
					continue
				}
				h[k] = v
			}
			if noneMatch(r.Header.Get("If-None-Match"), hit.header.Get("ETag")) {
				return c.NoContent(http.StatusNotModified)
			}
			return c.Blob(hit.status, hit.header.Get(echo.HeaderContentType), hit.body)
		}
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		err = next(c)
		c.Response().Writer = rec.ResponseWriter
		if err == nil && c.Response().Status == http.StatusOK && !rec.tooBig && rec.header != nil {
			s.responses.put(version, &cachedResponse{key: key, status: http.StatusOK, header: rec.header, body: rec.body.Bytes()})
		}
		return err
	}
}

// cachedHeaders are the headers a cached answer keeps.
var cachedHeaders = []string{echo.HeaderContentType, "ETag", "Link", "X-Dataset-Version", "Cache-Control", echo.HeaderVary}

// recorder copies what a handler writes, up to maxCachedBody, and its headers as the
// handler set them: the compressor outside changes some (ETag, Vary) per request.
type recorder struct {
	http.ResponseWriter
	header http.Header
	body   bytes.Buffer
	tooBig bool
}

func (r *recorder) WriteHeader(code int) {
	r.keepHeader()
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) keepHeader() {
	if r.header != nil {
		return
	}
	r.header = http.Header{}
	for _, k := range cachedHeaders {
		v := r.Header().Values(k)
		if k == echo.HeaderVary {
			v = slices.DeleteFunc(slices.Clone(v), func(s string) bool { return s == echo.HeaderAcceptEncoding })
		}
		if len(v) > 0 {
			r.header[http.CanonicalHeaderKey(k)] = slices.Clone(v)
		}
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.keepHeader()
	if !r.tooBig {
		if r.body.Len()+len(b) > maxCachedBody {
			r.tooBig = true
			r.body = bytes.Buffer{}
		} else {
			r.body.Write(b)
		}
	}
	return r.ResponseWriter.Write(b)
}
