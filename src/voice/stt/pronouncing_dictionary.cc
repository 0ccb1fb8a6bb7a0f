#include "voice/stt/pronouncing_dictionary.h"

#include <array>
#include <fstream>

namespace startales::voice {

std::span<const ExtraPronunciation> extraPronunciations() {
  static constexpr std::array<ExtraPronunciation, 6> kExtra = {{
      {"extractor", "IH K S T R AE K T ER"},
      {"hydroponics", "HH AY D R AH P AA N IH K S"},
      {"xenobiology", "Z IY N OW B AY AA L AH JH IY"},
      {"terraforming", "T EH R AH F AO R M IH NG"},
      {"cartography", "K AA R T AA G R AH F IY"},
      {"arcologies", "AA R K AA L AH JH IY Z"},
  }};
  return kExtra;
}

Result<std::shared_ptr<const PronouncingDictionary>> PronouncingDictionary::load(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return makeError("stt_unavailable", "cannot read the pronouncing dictionary " + path);
  std::shared_ptr<PronouncingDictionary> dict(new PronouncingDictionary());
  dict->words_.reserve(140000);
  std::string line;
  while (std::getline(in, line)) {
    size_t end = line.find_first_of(" \t(");
    if (end == 0 || end == std::string::npos) continue;
    dict->words_.insert(line.substr(0, end));
  }
  for (const auto& e : extraPronunciations()) dict->words_.insert(e.word);
  return std::shared_ptr<const PronouncingDictionary>(std::move(dict));
}

bool PronouncingDictionary::contains(std::string_view word) const {
  return words_.find(std::string(word)) != words_.end();
}

}  // namespace startales::voice
