package inbound

// What the external tests check errors against.
var ErrNotDelivered = errNotDelivered

type NotYet = notYet
