package httpapi

// Plurals are the collections' URL names by record type, for the external tests.
var Plurals = plurals
