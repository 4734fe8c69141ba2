package httpapi

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus instruments, on a registry of its own so that
// several servers in one process (tests) do not collide.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// refused counts requests turned away to keep the server answering, by reason.
	refused *prometheus.CounterVec
	// The licence documents (store/licensedocs.go): looked at by the keeper; taken
	// by public lists from the store's document cache, read from the table, or
	// rendered on the spot when found stale; and whether the keeper is filling.
	documentsChecked  prometheus.Counter
	documentsCached   prometheus.Counter
	documentsRead     prometheus.Counter
	documentsRendered prometheus.Counter
	documentsFilling  prometheus.Gauge
	handler           http.Handler
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "registry_http_requests_total",
			Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "registry_http_request_duration_seconds",
			Help:    "HTTP request latency by route, method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "registry_http_refused_total",
			Help: "Requests refused to keep the server answering: client_concurrency (429), saturated (503).",
		}, []string{"reason"}),
		documentsChecked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "registry_license_documents_checked_total",
			Help: "Licence documents the keeper looked at: the stale ones, rendered and written, and after a start every one, once, for those of another build.",
		}),
		documentsCached: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "registry_license_documents_cached_total",
			Help: "Licence documents that public lists took from the document cache, kept at the same dataset version.",
		}),
		documentsRead: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "registry_license_documents_read_total",
			Help: "Licence documents that public lists read from the database (not in the document cache, and not stale).",
		}),
		documentsRendered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "registry_license_documents_rendered_total",
			Help: "Stale licence documents that public lists rendered on the spot.",
		}),
		documentsFilling: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "registry_license_documents_filling",
			Help: "1 while the keeper fills stale licence documents (at start, after changes), else 0.",
		}),
	}
	reg.MustRegister(m.requests, m.latency, m.refused, m.documentsChecked, m.documentsCached, m.documentsRead, m.documentsRendered, m.documentsFilling,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// observe counts, times and logs every request. Routes are labelled by their
// template (/api/v1/vendors/:id), never by the raw path, so labels stay few.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // write the problem now so its status is what we record
		}
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		code := strconv.Itoa(status)
		s.metrics.requests.WithLabelValues(route, method(c), code).Inc()
		s.metrics.latency.WithLabelValues(route, method(c), code).Observe(elapsed.Seconds())
		level := slog.LevelInfo
		switch {
		case serverFault(status, c.Response().Header()):
			level = slog.LevelError
		case status >= 500:
			level = slog.LevelWarn
		}
		s.log.LogAttrs(c.Request().Context(), level, "request",
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
			slog.String("method", method(c)),
			slog.String("route", route),
			slog.String("path", c.Request().URL.Path),
			slog.Int("status", status),
			slog.Int64("bytes", c.Response().Size),
			slog.Duration("duration", elapsed),
			slog.String("remote_ip", c.RealIP()),
		)
		return nil
	}
}

// MetricsServer returns an http.Server that serves only /metrics (Prometheus text)
// at addr, for a listener of its own: the counts by route and the Go version are for
// the operators, never for the public listener.
func (s *Server) MetricsServer(addr string) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.handler)
	return &http.Server{
		Addr:              addr,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
}
