package brief

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// PNG charts for the DOCX export, drawn with the standard image package.
// They carry no text (labels live in the document next to them), so no font
// rasteriser is needed.

func rgba(c [3]int) color.RGBA { return color.RGBA{uint8(c[0]), uint8(c[1]), uint8(c[2]), 255} }

func fillRect(img *image.RGBA, x0, y0, x1, y1 int, c [3]int) {
	if x1 <= x0 || y1 <= y0 {
		return
	}
	draw.Draw(img, image.Rect(x0, y0, x1, y1), &image.Uniform{rgba(c)}, image.Point{}, draw.Src)
}

func newCanvas(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	return img
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	// Encoding an in-memory RGBA into a buffer cannot fail.
	_ = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	return buf.Bytes()
}

// categoryBarPNG draws one category row: the period's bar over a thinner bar
// for the previous period, both scaled to maxN.
func categoryBarPNG(count, prev, maxN int) []byte {
	const w, h = 400, 28
	img := newCanvas(w, h)
	if maxN <= 0 {
		maxN = 1
	}
	fillRect(img, 0, 3, w*count/maxN, 17, colAccent)
	fillRect(img, 0, 20, w*prev/maxN, 26, colPrev)
	return encodePNG(img)
}

// stackedPNG draws a 100% bar of the parts.
func stackedPNG(parts []part) []byte {
	const w, h = 800, 36
	img := newCanvas(w, h)
	total := 0
	for _, p := range parts {
		total += p.n
	}
	if total == 0 {
		fillRect(img, 0, 0, w, h, [3]int{235, 235, 235})
		return encodePNG(img)
	}
	x, acc := 0, 0
	for _, p := range parts {
		acc += p.n
		next := w * acc / total
		fillRect(img, x, 0, next, h, p.c)
		x = next
	}
	return encodePNG(img)
}

// timelinePNG draws daily bars with light grid lines at 0, ½ and the maximum.
func timelinePNG(days []DayCount) []byte {
	const w, h, top = 960, 220, 6
	img := newCanvas(w, h)
	maxN := 1
	for _, d := range days {
		maxN = max(maxN, d.Count)
	}
	grid := [3]int{225, 225, 225}
	for _, y := range []int{top, top + (h-top)/2, h - 1} {
		fillRect(img, 0, y, w, y+1, grid)
	}
	if len(days) == 0 {
		return encodePNG(img)
	}
	step := float64(w) / float64(len(days))
	for i, d := range days {
		bh := (h - top) * d.Count / maxN
		x0 := int(float64(i)*step + step*0.15)
		x1 := int(float64(i)*step + step*0.85)
		fillRect(img, x0, h-bh, max(x1, x0+1), h, colAccent)
	}
	return encodePNG(img)
}
