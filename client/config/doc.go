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
//
// # The table of settings
//
// Every setting that holds one value per scope is one row of the table
// in table.go: its name, which is both the dhclient.conf statement and
// the YAML key; its scope rule (anywhere, only in an interface block,
// only at the top level, or command line only); its kind, which reads
// the value in either syntax (seconds, number, text, flag, choice of
// words, hardware address, option list: kinds.go); its default; and the
// Settings field it fills. The dhclient.conf parser, the YAML loader,
// Defaults, Settings.IsSet and the merge of an interface's scope over the
// global one (Config.For) all work from the table. The option statements
// (send, default, supersede, prepend, append, reject), which merge option
// by option, and the file-wide statements (option definitions and
// spaces, include, lease, alias, db-time-format, lease-id-format) are
// parsed on their own.
//
// # Adding a setting
//
//  1. Add its field to Settings, and its row to the table: name, scope,
//     kind (a new kind only for a new type of value), default, field.
//  2. Use the field: client.MachineConfig when the state machine needs
//     it (add the field to statemachine.Config), or the daemon's
//     assembly (client.Daemon) for what happens around the machine.
//  3. Document the statement in README and contrib/man/dhclient.conf.5,
//     and add it to the examples in contrib.
//
// Nothing else: both syntaxes read it, an interface block overrides it,
// and its default is declared nowhere else. TestTableCoversSettings fails
// for a field without a row.
package config
