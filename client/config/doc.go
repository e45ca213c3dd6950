// Package config reads leased's configuration: ISC dhclient.conf syntax
// (reference §2) or YAML (SPEC §3), both into one model, Config, with a
// global scope and per-interface scopes that override only what they set.
//
// Like ISC dhclient, a problem in a file is never fatal: it is reported as a
// Diagnostic with file, line, column and ISC's caret display, and the rest
// of the file still applies. Statements that make no sense for leased
// (media, pseudo, omapi, DDNS keys and zones, if/on blocks, option spaces)
// are parsed, reported as warnings and ignored.
package config
