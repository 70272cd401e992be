package web

import (
	"fmt"
	"html/template"
	"strings"
)

// Charts are inline SVG drawn here, on the server: grouped vertical bars,
// one group per label, one bar per series, with the largest value on the
// axis. Values are integers (counts, or cents with format).

type series struct {
	Name   string
	Class  string // the CSS class of its bars: s1, s2
	Values []int64
}

type chart struct {
	ID     string
	Title  string
	Labels []string
	Series []series
	Format func(int64) string // a value as text; nil: the integer
	Every  int                // label every n groups (1 when 0)
}

// SVG draws the chart.
func (c chart) SVG() template.HTML {
	const width, height, left, bottom, top = 720.0, 200.0, 70.0, 40.0, 10.0
	format := c.Format
	if format == nil {
		format = func(v int64) string { return fmt.Sprint(v) }
	}
	every := max(c.Every, 1)
	var maxV int64 = 1
	for _, s := range c.Series {
		for _, v := range s.Values {
			maxV = max(maxV, v)
		}
	}
	n := max(len(c.Labels), 1)
	group := min((width-left)/float64(n), 90) // a few groups are not drawn as wide as the chart
	bar := group * 0.8 / float64(max(len(c.Series), 1))
	plot := height - bottom - top
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="%s" class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, esc(c.ID), width, height, esc(c.Title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(c.Title))
	fmt.Fprintf(&b, `<line class="axis" x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f"/>`, left, top, left, height-bottom)
	fmt.Fprintf(&b, `<line class="axis" x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f"/>`, left, height-bottom, width, height-bottom)
	fmt.Fprintf(&b, `<text class="tick" x="%.0f" y="%.0f" text-anchor="end">%s</text>`, left-4, top+10, esc(format(maxV)))
	fmt.Fprintf(&b, `<text class="tick" x="%.0f" y="%.0f" text-anchor="end">0</text>`, left-4, height-bottom)
	for i, label := range c.Labels {
		x := left + float64(i)*group + group*0.1
		for j, s := range c.Series {
			if i >= len(s.Values) {
				continue
			}
			v := s.Values[i]
			h := plot * float64(max(v, 0)) / float64(maxV)
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" data-label="%s" data-series="%s" data-value="%d"><title>%s %s: %s</title></rect>`,
				esc(s.Class), x+float64(j)*bar, height-bottom-h, bar, h, esc(label), esc(s.Name), v, esc(label), esc(s.Name), esc(format(v)))
		}
		if i%every == 0 {
			fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%.0f" text-anchor="middle">%s</text>`, x+group*0.4, height-bottom+14, esc(label))
		}
	}
	for j, s := range c.Series {
		fmt.Fprintf(&b, `<rect class="%s" x="%.0f" y="%.0f" width="10" height="10"/><text class="tick" x="%.0f" y="%.0f">%s</text>`,
			esc(s.Class), left+float64(j)*160, height-14, left+float64(j)*160+14, height-5, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func esc(s string) string { return template.HTMLEscapeString(s) }
