// The fuzz targets' main() when they are not linked with libFuzzer (any compiler; the dev and
// asan presets, make test): every corpus file once, then random mutations of the corpus
// (bit flips, byte changes, inserts, erases, copies, splices with another input, boundary
// integers) until -max_total_time seconds or -runs inputs. Not coverage-guided: it is the
// smoke run; make fuzz runs the same targets under libFuzzer (the fuzz preset).
//
//   <target> [-max_total_time=S] [-runs=N] [-seed=N] FILE_OR_DIR...
//
// Other -flags (libFuzzer's) are ignored. When a target crashes, the input is written to
// ./crash-<target>-<run> first (from the sanitizer's death callback or a signal handler).

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
extern "C" void __sanitizer_set_death_callback(void (*callback)());
#define STARTALES_HAVE_DEATH_CALLBACK 1
#endif

namespace {

// The input being run, for the crash file. Written before every run; read only when dying.
const std::string* g_current = nullptr;
std::string g_crash_path;

void saveCurrentInput() {
  if (g_current == nullptr || g_crash_path.empty()) return;
  if (FILE* f = std::fopen(g_crash_path.c_str(), "wb")) {
    std::fwrite(g_current->data(), 1, g_current->size(), f);
    std::fclose(f);
    std::fprintf(stderr, "standalone fuzz driver: the input is in %s\n", g_crash_path.c_str());
  }
}

void onSignal(int sig) {
  saveCurrentInput();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  std::string mutate(const std::vector<std::string>& corpus) {
    std::string s = corpus[pick(corpus.size())];
    const size_t n = 1 + pick(4);
    for (size_t i = 0; i < n; ++i) once(s, corpus);
    if (s.size() > kMaxSize) s.resize(kMaxSize);
    return s;
  }

 private:
  static constexpr size_t kMaxSize = 1 << 16;

  size_t pick(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  char byte() { return static_cast<char>(pick(256)); }

  void once(std::string& s, const std::vector<std::string>& corpus) {
    switch (pick(8)) {
      case 0:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:  // a random byte
        if (!s.empty()) s[pick(s.size())] = byte();
        break;
      case 2:  // insert bytes
        s.insert(pick(s.size() + 1), 1 + pick(4), byte());
        break;
      case 3:  // erase a range
        if (!s.empty()) {
          const size_t at = pick(s.size());
          s.erase(at, 1 + pick(std::min<size_t>(s.size() - at, 16)));
        }
        break;
      case 4:  // copy a range elsewhere
        if (!s.empty()) {
          const size_t from = pick(s.size());
          const std::string piece = s.substr(from, 1 + pick(std::min<size_t>(s.size() - from, 32)));
          s.insert(pick(s.size() + 1), piece);
        }
        break;
      case 5: {  // splice: our head, another input's tail
        const std::string& other = corpus[pick(corpus.size())];
        s = s.substr(0, pick(s.size() + 1)) + other.substr(pick(other.size() + 1));
        break;
      }
      case 6: {  // a boundary integer, little-endian, over 1, 2, 4 or 8 bytes
        static constexpr uint64_t kValues[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff,
                                               0x7fffffff, 0xffffffff, ~uint64_t{0},
                                               0x8000000000000000ull};
        const uint64_t v = kValues[pick(std::size(kValues))];
        const size_t width = size_t{1} << pick(4);
        if (s.size() >= width) {
          const size_t at = pick(s.size() - width + 1);
          for (size_t i = 0; i < width; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
        }
        break;
      }
      default: {  // an ASCII digit run or a JSON-ish token, for the text formats
        static constexpr std::string_view kTokens[] = {
            "-1", "0", "4294967296", "1e308", "-0", "\"", "{}", "[]", "null", "true", "\\u0000",
            "\r\n", "\r\n\r\n", "--", ":", ",", "%", "/"};
        s.insert(pick(s.size() + 1), kTokens[pick(std::size(kTokens))]);
        break;
      }
    }
  }

  std::mt19937_64 rng_;
};

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  double max_seconds = 0;
  long long max_runs = -1;
  uint64_t seed = 1;
  std::vector<std::string> corpus;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.rfind("-max_total_time=", 0) == 0) {
      max_seconds = std::atof(argv[i] + 16);
    } else if (arg.rfind("-runs=", 0) == 0) {
      max_runs = std::atoll(argv[i] + 6);
    } else if (arg.rfind("-seed=", 0) == 0) {
      seed = std::strtoull(argv[i] + 6, nullptr, 10);
    } else if (arg.rfind("-", 0) == 0) {
      continue;  // a libFuzzer flag
    } else if (std::filesystem::is_directory(arg)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());  // a stable order: runs are reproducible
      for (const auto& f : files) corpus.push_back(readFile(f));
    } else {
      corpus.push_back(readFile(std::string(arg)));
    }
  }
  if (corpus.empty()) corpus.emplace_back();

  const std::string target = std::filesystem::path(argv[0]).filename().string();
  g_crash_path = "crash-" + target;
#ifdef STARTALES_HAVE_DEATH_CALLBACK
  __sanitizer_set_death_callback(saveCurrentInput);
#endif
  std::signal(SIGSEGV, onSignal);
  std::signal(SIGABRT, onSignal);
  std::signal(SIGFPE, onSignal);
  std::signal(SIGBUS, onSignal);

  const auto start = std::chrono::steady_clock::now();
  long long runs = 0;
  auto run = [&](const std::string& input) {
    g_current = &input;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    g_current = nullptr;
    ++runs;
  };
  for (const auto& input : corpus) run(input);
  const long long corpus_runs = runs;

  Mutator mutator(seed);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (;;) {
    if (max_runs < 0 && max_seconds <= 0) break;  // neither given: the corpus only
    if (max_runs >= 0 && runs >= max_runs) break;
    if (max_seconds > 0 && elapsed() >= max_seconds) break;
    const std::string input = mutator.mutate(corpus);
    run(input);
  }
  std::printf("%s: %lld inputs (%lld from the corpus, %lld mutated) in %.1f s, no crash\n",
              target.c_str(), runs, corpus_runs, runs - corpus_runs, elapsed());
  return 0;
}
