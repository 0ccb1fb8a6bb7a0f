#include "game/markdown.h"

#include <algorithm>
#include <charconv>

namespace startales::game::markdown {
namespace {

size_t width(const std::string& s) {  // UTF-8 code points
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string num(double v, int digits) {
  if (v == 0) return "0";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
  return std::string(buf, end);
}
std::string signedNum(double v) { return (v > 0 ? "+" : "") + num(v); }
std::string pct(double fraction) { return num(fraction * 100) + "%"; }
std::string signedPct(double fraction) { return signedNum(fraction * 100) + "%"; }
std::string code(std::string_view name) { return "`" + std::string(name) + "`"; }
std::string heading(std::string_view title) { return "### " + std::string(title) + "\n\n"; }

std::string Table::str() const {
  std::vector<size_t> w(header_.size(), 3);
  for (size_t c = 0; c < header_.size(); ++c) w[c] = std::max(w[c], width(header_[c]));
  for (const auto& r : rows_) {
    for (size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], width(r[c]));
  }
  std::string out = line(header_, w);
  out += "|";
  for (size_t c = 0; c < w.size(); ++c) {
    out += " " + std::string(w[c] - 1, '-') + (align_[c] == 'r' ? ":" : "-") + " |";
  }
  out += "\n";
  for (const auto& r : rows_) out += line(r, w);
  return out + "\n";
}

std::string Table::line(const std::vector<std::string>& cells,
                        const std::vector<size_t>& widths) const {
  std::string out = "|";
  for (size_t c = 0; c < widths.size(); ++c) {
    const std::string cell = c < cells.size() ? cells[c] : "";
    const std::string pad(widths[c] - width(cell), ' ');
    out += " " + (align_[c] == 'r' ? pad + cell : cell + pad) + " |";
  }
  return out + "\n";
}

}  // namespace startales::game::markdown
