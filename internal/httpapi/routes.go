package httpapi

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/export-registry/registry/internal/web"
)

// routes lists every route of the registry: the whole API surface in one place.
func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/openapi.json", s.openapi)
	e.GET("/swagger.json", s.swagger)
	e.GET("/docs", s.docsIndex)
	e.GET("/docs/*", s.swaggerUI)

	// The public pages (package web): server-rendered HTML for people in a browser.
	// The handler routes these paths itself and sets its own page headers.
	// A path nothing serves is their 404 page too, for a browser (see handleError).
	s.pages = web.New(s.store, s.log)
	pages := echo.WrapHandler(s.pages)
	for _, path := range pagePaths {
		e.GET(path, pages)
	}

	// The staff console (package web): server-rendered forms under /staff/, logged
	// in by a session cookie. It routes its own paths; it shares the login throttle
	// and device tokens with the API (consoleGate).
	s.console = web.NewStaff(s.store, s.log, consoleGate{s}, web.StaffOptions{Review: s.review, Require2FA: s.require2FA})
	console := echo.WrapHandler(s.console)
	e.GET("/staff", console)
	e.GET(web.StaffPrefix+"*", console)
	e.POST(web.StaffPrefix+"*", console)

	// The reconciliation service (OpenRefine; spec 0.2): public, read-only, CORS.
	e.GET("/reconcile", s.reconcile, corsReconcile)
	e.POST("/reconcile", s.reconcilePost, corsReconcile)
	e.GET("/reconcile/preview", s.reconcilePreview, corsReconcile)
	e.GET("/reconcile/suggest/entity", s.reconcileSuggest, corsReconcile)
	for _, p := range []string{"/reconcile", "/reconcile/preview", "/reconcile/suggest/entity"} {
		e.OPTIONS(p, reconcilePreflight, corsReconcile)
	}

	v1 := e.Group("/api/v1")
	v1.POST("/auth/login", s.login)
	v1.POST("/auth/refresh", s.refresh)
	v1.POST("/auth/logout", s.logout, requireWriter)
	v1.GET("/auth/me", s.me, requireWriter)
	// The second factor (TOTP): each staff member enrols their own account.
	v1.POST("/auth/totp", s.startTOTP, requireWriter)
	v1.POST("/auth/totp/confirm", s.confirmTOTP, requireWriter)
	v1.POST("/auth/totp/disable", s.disableTOTP, requireWriter)
	v1.POST("/auth/password", s.changePassword, requireWriter)

	// Accounts: admins only. Middleware goes on each route, not on a group: an echo
	// group with middleware also catches the group's unknown paths.
	v1.GET("/users", s.listUsers, requireAdmin)
	v1.POST("/users", s.createUser, requireAdmin)
	v1.GET("/users/:id", s.getUser, requireAdmin)
	v1.PATCH("/users/:id", s.updateUser, requireAdmin)
	v1.POST("/users/:id/password", s.resetPassword, requireAdmin)
	v1.POST("/users/:id/reset-2fa", s.resetSecondFactor, requireAdmin)

	// Two-person review: the drafts awaiting another staff member's publish.
	v1.GET("/reviews", s.listReviews, requireWriter)

	v1.GET("/version", s.getVersion)
	v1.GET("/search", s.searchRecords)
	v1.GET("/changes", s.listChanges)
	v1.GET("/export/"+ftmFile, s.exportFtM)
	v1.GET("/export/"+deltaFile, s.exportDelta)
	v1.GET("/export/:file", s.export)
	e.GET("/feeds/changes.atom", s.changesAtom)

	v1.GET("/states", s.listStates)
	v1.GET("/states/:iso2", s.getState)

	v1.GET("/vendors", s.listVendors)
	v1.GET("/vendors/:id", s.getVendor)
	v1.GET("/vendors/:id/history", s.getVendorHistory)
	v1.GET("/products", s.listProducts)
	v1.GET("/products/:id", s.getProduct)
	v1.GET("/products/:id/history", s.getProductHistory)
	v1.GET("/agencies", s.listAgencies)
	v1.GET("/agencies/:id", s.getAgency)
	v1.GET("/agencies/:id/history", s.getAgencyHistory)
	v1.GET("/licenses", s.listLicenses)
	v1.GET("/licenses/:id", s.getLicense)
	v1.GET("/licenses/:id/history", s.getLicenseHistory)
	v1.GET("/terminations", s.listTerminations)
	v1.GET("/terminations/:id", s.getTermination)
	v1.GET("/terminations/:id/history", s.getTerminationHistory)
	v1.GET("/allegations", s.listAllegations)
	v1.GET("/allegations/:id", s.getAllegation)
	v1.GET("/allegations/:id/history", s.getAllegationHistory)
	v1.GET("/communications", s.listCommunications)
	v1.GET("/communications/:id", s.getCommunication)
	v1.GET("/communications/:id/history", s.getCommunicationHistory)
	v1.GET("/sources", s.listSources)
	v1.GET("/sources/:id", s.getSource)
	v1.GET("/sources/:id/history", s.getSourceHistory)

	// Writes: staff only, denied by default.
	// Intake takes a file larger than other bodies, once the writer is known.
	v1.POST("/intake", s.createIntake, requireWriter, middleware.BodyLimit(maxIntakeLimit))
	v1.POST("/vendors", s.createVendor, requireWriter)
	v1.PATCH("/vendors/:id", s.updateVendor, requireWriter)
	v1.POST("/vendors/:id/publish", s.publishVendor, requireWriter)
	v1.POST("/vendors/:id/retract", s.retractVendor, requireWriter)
	v1.POST("/vendors/:id/citations", s.citeVendor, requireWriter)
	v1.DELETE("/vendors/:id/citations/:citation_id", s.unciteVendor, requireWriter)
	v1.POST("/products", s.createProduct, requireWriter)
	v1.PATCH("/products/:id", s.updateProduct, requireWriter)
	v1.POST("/products/:id/publish", s.publishProduct, requireWriter)
	v1.POST("/products/:id/retract", s.retractProduct, requireWriter)
	v1.POST("/products/:id/citations", s.citeProduct, requireWriter)
	v1.DELETE("/products/:id/citations/:citation_id", s.unciteProduct, requireWriter)
	v1.POST("/agencies", s.createAgency, requireWriter)
	v1.PATCH("/agencies/:id", s.updateAgency, requireWriter)
	v1.POST("/agencies/:id/publish", s.publishAgency, requireWriter)
	v1.POST("/agencies/:id/retract", s.retractAgency, requireWriter)
	v1.POST("/agencies/:id/citations", s.citeAgency, requireWriter)
	v1.DELETE("/agencies/:id/citations/:citation_id", s.unciteAgency, requireWriter)
	v1.POST("/licenses", s.createLicense, requireWriter)
	v1.PATCH("/licenses/:id", s.updateLicense, requireWriter)
	v1.POST("/licenses/:id/publish", s.publishLicense, requireWriter)
	v1.POST("/licenses/:id/retract", s.retractLicense, requireWriter)
	v1.POST("/licenses/:id/citations", s.citeLicense, requireWriter)
	v1.DELETE("/licenses/:id/citations/:citation_id", s.unciteLicense, requireWriter)
	v1.POST("/terminations", s.createTermination, requireWriter)
	v1.PATCH("/terminations/:id", s.updateTermination, requireWriter)
	v1.POST("/terminations/:id/publish", s.publishTermination, requireWriter)
	v1.POST("/terminations/:id/retract", s.retractTermination, requireWriter)
	v1.POST("/terminations/:id/citations", s.citeTermination, requireWriter)
	v1.DELETE("/terminations/:id/citations/:citation_id", s.unciteTermination, requireWriter)
	v1.POST("/allegations", s.createAllegation, requireWriter)
	v1.PATCH("/allegations/:id", s.updateAllegation, requireWriter)
	v1.POST("/allegations/:id/publish", s.publishAllegation, requireWriter)
	v1.POST("/allegations/:id/retract", s.retractAllegation, requireWriter)
	v1.POST("/allegations/:id/citations", s.citeAllegation, requireWriter)
	v1.DELETE("/allegations/:id/citations/:citation_id", s.unciteAllegation, requireWriter)
	v1.POST("/communications", s.createCommunication, requireWriter)
	v1.PATCH("/communications/:id", s.updateCommunication, requireWriter)
	v1.POST("/communications/:id/publish", s.publishCommunication, requireWriter)
	v1.POST("/communications/:id/retract", s.retractCommunication, requireWriter)
	v1.POST("/communications/:id/citations", s.citeCommunication, requireWriter)
	v1.DELETE("/communications/:id/citations/:citation_id", s.unciteCommunication, requireWriter)
	v1.POST("/sources", s.createSource, requireWriter)
	v1.PATCH("/sources/:id", s.updateSource, requireWriter)
	v1.POST("/sources/:id/publish", s.publishSource, requireWriter)
	v1.POST("/sources/:id/retract", s.retractSource, requireWriter)
}
