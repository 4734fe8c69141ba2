package httpapi

// The values of a licence's and an allegation's own status, which the status filter
// accepts besides record statuses.
var (
	licenseStatuses    = []string{"applied", "granted", "refused", "revoked", "suspended", "expired", "unknown"}
	allegationStatuses = []string{"alleged", "forensically_confirmed", "officially_acknowledged", "denied", "disputed"}
)
