// Package assets embeds the data files Otklik ships with: the icon, fonts for
// exports, translations, the municipality gazetteer, the topic rubricator,
// the production calendar and the demo vocabulary. Another region replaces
// these files (or loads its own at run time) without touching code.
package assets

import "embed"

// FS holds every file in this folder.
//
//go:embed *
var FS embed.FS
