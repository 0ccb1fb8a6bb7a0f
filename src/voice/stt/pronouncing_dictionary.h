#pragma once

// The words the embedded recogniser can say: the model's pronouncing dictionary
// (cmudict-en-us.dict) plus a few game words it lacks, with hand-written pronunciations
// that every decoder adds at creation. Immutable after load(): share it between threads.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>

#include "common/result.h"

namespace startales::voice {

struct ExtraPronunciation {
  const char* word;
  const char* phones;  // CMU phone set, as in the dictionary
};
// Game words (rule tables) missing from cmudict-en-us.dict: "extractor", "xenobiology"...
std::span<const ExtraPronunciation> extraPronunciations();

class PronouncingDictionary {
 public:
  // Reads `path` (one "word PH ON ES" per line; "word(2)" variants fold into "word").
  // Error "stt_unavailable" when it cannot be read.
  static Result<std::shared_ptr<const PronouncingDictionary>> load(const std::string& path);

  // True for a lower-case word in the dictionary or the extra pronunciations.
  [[nodiscard]] bool contains(std::string_view word) const;
  [[nodiscard]] size_t size() const { return words_.size(); }

 private:
  PronouncingDictionary() = default;
  std::unordered_set<std::string> words_;  // const after load()
};

}  // namespace startales::voice
