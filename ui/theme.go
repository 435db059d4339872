package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme choices in the settings.
const (
	ThemeSystem = "system"
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// appTheme is Fyne's default theme with Otklik's calm blue-teal accent and,
// when the user chose one, a fixed light or dark variant.
type appTheme struct {
	fyne.Theme
	forced *fyne.ThemeVariant // nil follows the system
}

func newAppTheme(choice string) fyne.Theme {
	t := appTheme{Theme: theme.DefaultTheme()}
	switch choice {
	case ThemeLight:
		v := theme.VariantLight
		t.forced = &v
	case ThemeDark:
		v := theme.VariantDark
		t.forced = &v
	}
	return t
}

var (
	tealLight = color.NRGBA{R: 0x0e, G: 0x6f, B: 0x80, A: 0xff} // primary on light
	tealDark  = color.NRGBA{R: 0x3c, G: 0xb4, B: 0xc4, A: 0xff} // primary on dark: lighter for contrast
)

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced != nil {
		v = *t.forced
	}
	p := tealLight
	if v == theme.VariantDark {
		p = tealDark
	}
	switch n {
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		return p
	case theme.ColorNameFocus:
		return color.NRGBA{R: p.R, G: p.G, B: p.B, A: 0x7f}
	case theme.ColorNameSelection:
		return color.NRGBA{R: p.R, G: p.G, B: p.B, A: 0x40}
	case theme.ColorNameForegroundOnPrimary:
		if v == theme.VariantDark {
			return color.NRGBA{R: 0x0b, G: 0x1d, B: 0x22, A: 0xff}
		}
		return color.White
	}
	return t.Theme.Color(n, v)
}
