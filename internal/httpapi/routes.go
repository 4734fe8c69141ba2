package httpapi

// routes lists every route of the registry: the whole API surface in one place.
func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsHandler)
	e.GET("/openapi.json", s.openapi)
	e.GET("/docs", s.docsIndex)
	e.GET("/docs/*", s.swaggerUI)

	v1 := e.Group("/api/v1")
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
}
