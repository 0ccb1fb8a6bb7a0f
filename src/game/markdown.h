#pragma once

// Markdown building blocks for the generated rules document (rules_doc.cc): numbers written
// the same on every machine, and tables whose columns line up in the source as well.

#include <string>
#include <string_view>
#include <vector>

namespace startales::game::markdown {

// Significant digits, locale-independent: 0.05 -> "0.05", 10.000000001 -> "10".
std::string num(double v, int digits = 6);
std::string signedNum(double v);              // "+3", "-0.5", "0"
std::string pct(double fraction);             // 0.25 -> "25%"
std::string signedPct(double fraction);       // 0.25 -> "+25%"
std::string code(std::string_view name);      // `name`
std::string heading(std::string_view title);  // "### title" and a blank line

// A Markdown table with padded columns; align holds 'l' or 'r' per column.
class Table {
 public:
  Table(std::vector<std::string> header, std::string align)
      : header_(std::move(header)), align_(std::move(align)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  [[nodiscard]] std::string str() const;

 private:
  [[nodiscard]] std::string line(const std::vector<std::string>& cells,
                                 const std::vector<size_t>& widths) const;

  std::vector<std::string> header_;
  std::string align_;
  std::vector<std::vector<std::string>> rows_;
};

// Rule | Value | Constant(s): the shape of every table of loose constants.
class Constants {
 public:
  void add(std::string rule, std::string value, std::string constants) {
    table_.row({std::move(rule), std::move(value), std::move(constants)});
  }
  [[nodiscard]] std::string str() const { return table_.str(); }

 private:
  Table table_{{"Rule", "Value", "Constant"}, "lll"};
};

}  // namespace startales::game::markdown
