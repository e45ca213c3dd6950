// Package config reads leased's configuration: ISC dhclient.conf syntax
// (reference §2) or YAML (SPEC §3), both into one model, Config, with a
// global scope and per-interface scopes that override only what they set.
//
// Like ISC dhclient, a problem in a file is never fatal: it is reported as a
// Diagnostic with file, line, column and ISC's caret display, and the rest
// of the file still applies. Statements that make no sense for leased
// (media, pseudo, omapi, DDNS keys and zones, if/on blocks, option spaces)
// are parsed, reported as warnings and ignored.
//
// What is read is bounded (MaxFileSize, MaxTotalSize, MaxIncludes,
// MaxIncludeDepth): a main file over its limit is an error from Load, an
// included one, an include cycle or one include too many a diagnostic at
// the include statement. Files are tokenised as they are parsed and at
// most 100 problems are kept per file, so memory follows the limits, not
// the input.
package config
