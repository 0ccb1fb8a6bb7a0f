// Speech round trips through the embedded recogniser: espeak-ng says commands made from a
// real game's live names (several voices and speeds), grammar mode must recognise at least
// 95% of them exactly (parsed Action == intended Action); sentences that are no command must
// come back rejected. Also: dictation smoke test, pool saturation, grammar caching.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "espeak.h"
#include "game/game.h"
#include "game/view.h"
#include "voice/stt/decoder_pool.h"
#include "voice/stt/number_words.h"
#include "voice/stt/pocketsphinx_stt.h"

namespace startales::voice {
namespace {

using testing::speak;
using testing::TempDir;

struct Spoken {
  std::string text;
  game::Action action;
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A live vocabulary: civ 0 of a seeded game. Nobody has met anyone at tick 0, so the rivals
// are added by name as if met (the view would list them after contact).
std::shared_ptr<Vocabulary> liveVocabulary() {
  game::GameConfig config;
  config.seed = 20261126;
  config.systems = 60;
  config.civs = 4;
  const game::GameState state = game::newGame(config);
  const std::vector<std::string> characters = {"Ada Cohen", "Victor Stone"};
  auto v = std::make_shared<Vocabulary>(vocabularyFromView(game::viewFor(state, 0), characters));
  if (v->civs.empty()) {
    for (const auto& civ : state.civs) {
      if (civ.id != 0) v->civs.push_back({civ.name, civ.id});
    }
  }
  return v;
}

// `n` commands cycling through every phrasing, names picked by a seeded RNG.
std::vector<Spoken> makeCommands(const Vocabulary& v, int n) {
  std::mt19937 rng(7);
  auto pick = [&rng](const std::vector<NamedId>& list) -> const NamedId& {
    return list[std::uniform_int_distribution<size_t>(0, list.size() - 1)(rng)];
  };
  auto num = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<Spoken> out;
  for (int i = 0; static_cast<int>(out.size()) < n; ++i) {
    switch (i % 10) {
      case 0: {
        const auto& b = pick(v.buildings);
        const auto& p = pick(v.own_planets);
        out.push_back({"build a " + b.name + " on " + p.name,
                       game::Build{p.id, static_cast<game::Building>(b.id)}});
        break;
      }
      case 1: {
        const auto& s = pick(v.ships);
        const auto& p = pick(v.own_planets);
        const int count = num(1, 5);
        const std::string what =
            count == 1 ? "a " + s.name : numberWords(count) + " " + s.name + "s";
        out.push_back({"build " + what + " at " + p.name,
                       game::BuildShip{p.id, static_cast<game::ShipClass>(s.id), count}});
        break;
      }
      case 2: {
        const auto& t = pick(v.techs);
        out.push_back({"research " + t.name, game::Research{t.id}});
        break;
      }
      case 3: {
        const auto& f = pick(v.fleets);
        const auto& s = pick(v.systems);
        out.push_back({"move the " + f.name + " to " + s.name, game::MoveFleet{f.id, s.id}});
        break;
      }
      case 4: {
        if (v.colonizable_planets.empty()) break;
        const auto& p = pick(v.colonizable_planets);
        const auto& f = pick(v.fleets);
        out.push_back({"colonize " + p.name + " with the " + f.name, game::Colonize{f.id, p.id}});
        break;
      }
      case 5: {
        const int rate = num(0, 10) * 5;
        game::SetPolicy policy;
        policy.tax_rate = rate;
        out.push_back({"set taxes to " + numberWords(rate) + " percent", policy});
        break;
      }
      case 6:
      case 7: {
        const auto& g = pick(v.goods);
        const int amount = std::vector<int>{20, 50, 75, 100, 150, 200, 300, 500}[num(0, 7)];
        const bool buy = i % 10 == 6;
        out.push_back({std::string(buy ? "buy " : "sell ") + numberWords(amount) + " " + g.name,
                       game::Trade{static_cast<game::Resource>(g.id), buy ? amount : -amount}});
        break;
      }
      case 8: {
        const auto& c = pick(v.civs);
        out.push_back({"declare war on the " + c.name, game::DeclareWar{c.id}});
        break;
      }
      default: {
        const auto& c = pick(v.civs);
        const int kind = num(0, 2);
        const char* what[] = {"peace", "an alliance", "a trade pact"};
        const game::Treaty treaty[] = {game::Treaty::kPeace, game::Treaty::kAlliance,
                                       game::Treaty::kTradePact};
        out.push_back({std::string("propose ") + what[kind] + " to the " + c.name,
                       game::ProposeTreaty{c.id, treaty[kind]}});
        break;
      }
    }
  }
  for (auto& s : out) s.text = lower(s.text);
  return out;
}

std::unique_ptr<PocketsphinxStt> makeStt(bool dictation, int decoders) {
  PocketsphinxConfig config;
  config.decoder.dictation = dictation;
  config.decoders = decoders;
  config.acquire_timeout = std::chrono::milliseconds(50);
  auto stt = PocketsphinxStt::create(config);
  EXPECT_TRUE(stt.ok()) << stt.error().message;
  return stt ? std::move(*stt) : nullptr;
}

const char* const kVoices[] = {"en-us+m3", "en-us+f3", "en-us+m7"};
const int kSpeeds[] = {140, 170, 200};

TEST(SttRoundTripTest, GrammarModeRecognisesLiveCommands) {
  auto stt = makeStt(false, 1);
  ASSERT_TRUE(stt);
  auto vocabulary = liveVocabulary();
  const auto grammar = stt->grammarFor(*vocabulary);
  if (const char* dump = std::getenv("STT_DUMP_GRAMMAR")) {
    std::ofstream(dump) << grammar->jsgf;
  }
  for (const auto& s : grammar->skipped)
    std::printf("skipped (not pronounceable): %s\n", s.c_str());
  const std::vector<Spoken> commands = makeCommands(*vocabulary, 60);
  TempDir dir;
  TranscribeOptions opts;
  opts.vocabulary = vocabulary;
  int exact = 0;
  double decode_ms = 0, audio_ms = 0;
  for (size_t i = 0; i < commands.size(); ++i) {
    const std::string voice = kVoices[i % 3];
    const int wpm = kSpeeds[(i / 3) % 3];
    auto audio = speak(dir, commands[i].text, voice, wpm, static_cast<int>(i));
    ASSERT_TRUE(audio) << "espeak-ng failed on: " << commands[i].text;
    if (const char* keep = std::getenv("STT_DUMP_AUDIO")) {  // "<dir>": raw 16 kHz PCM16 + list.txt
      const std::string raw = std::string(keep) + "/c" + std::to_string(i) + ".raw";
      std::ofstream(raw, std::ios::binary) << toPcm16(*resample(*audio, 16000));
      std::ofstream(std::string(keep) + "/list.txt", std::ios::app)
          << raw << "|" << commands[i].text << "\n";
    }
    auto t = stt->transcribe(*audio, opts);
    ASSERT_TRUE(t.ok()) << t.error().message;
    decode_ms += t->timings.decode_ms;
    audio_ms += t->timings.audio_ms;
    const bool ok = t->command && *t->command == commands[i].action;
    exact += ok ? 1 : 0;
    if (!ok) {
      std::printf("MISS [%s %d] said \"%s\" heard \"%s\" conf %.2f%s\n", voice.c_str(), wpm,
                  commands[i].text.c_str(), t->text.c_str(), t->confidence,
                  t->rejected ? " rejected" : "");
    }
  }
  const double accuracy = 100.0 * exact / static_cast<double>(commands.size());
  std::printf("grammar mode: %d/%zu exact (%.1f%%); decode %.1f ms per 2 s of audio; RTF %.4f\n",
              exact, commands.size(), accuracy, decode_ms / audio_ms * 2000, decode_ms / audio_ms);
  // Issue 6: >= 95% exactly right (a rejected command counts as wrong).
  //
  // Log (60 commands, voices m3/f3/m7 at 140/170/200 wpm; exact / decode per 2 s):
  //  - start: wide beams 1e-80, 71.7%; default beams 62%. Most misses were EMPTY hypotheses:
  //    "Final result does not match the grammar" (no history entry in the final state).
  //  - cause: espeak-ng writes exact digital silence (runs of 0 samples) between and after
  //    words. Their log-energy features are degenerate; the en-us silence model, trained on
  //    recordings that always hold noise, does not match them, and the FSG search loses the
  //    path. Resampler, level (peak -3 dBFS), int16 conversion, full_utt were all fine: the
  //    same failures appear with sox-resampled audio in a bare pocketsphinx program.
  //  - -fsgusefiller no: 86.7% (trailing zeros no longer need a silence model), but real
  //    pauses then break the search (0.5 s padding: 52%). -dither yes: 95% unpadded, 65%
  //    padded. Wider beams, -pl_window 0, -bestpath no, -cmn, -lw/-wip: no gain.
  //  - comfort noise at -50 dBFS RMS on every utterance (PocketsphinxConfig::noise_floor_dbfs),
  //    fillers on, default beams: 60/60 (100%). With 0.5 s of padding (text-exact, bare
  //    decoder): -50 dBFS 58/60, -44 and -40 dBFS 58/60, -56 dBFS 54/60, -61 dBFS 52/60.
  //  - verification pass (free CI phone loop, confidence from the score margin): 58/60; the
  //    two lost are f3 at 200 wpm, recognised right but below the confidence threshold.
  //    Decode (both passes) 95-120 ms per 2 s on the shared 2-core machine.
  //  - checked on a wider set outside this test (bare decoder, same grammar): 150 commands,
  //    voices m3/f3/m7/f2/m1/f4 at 130-210 wpm: 143/150 text-exact (the rest: five/nine,
  //    "three hundred" heard "three hundred two"), 1 false rejection at center -27.
  //    -54 dBFS noise did no better (56/60 here). Per-word margins (median, trimmed mean)
  //    separated in- from out-of-grammar worse than the whole-utterance margin.
  EXPECT_GE(accuracy, 95.0);
}

TEST(SttRoundTripTest, OutOfGrammarSpeechIsRejected) {
  auto stt = makeStt(false, 1);
  ASSERT_TRUE(stt);
  TranscribeOptions opts;
  opts.vocabulary = liveVocabulary();
  const std::vector<std::string> sentences = {
      "what a lovely day it is today",         "tell me a story about dragons",
      "I would like a cup of coffee please",   "the quick brown fox jumps over the lazy dog",
      "remind me to call my mother tomorrow",  "play some jazz music in the kitchen",
      "who won the football match last night", "how are the people feeling about the war",
  };
  TempDir dir;
  int rejected = 0;
  for (size_t i = 0; i < sentences.size(); ++i) {
    auto audio = speak(dir, sentences[i], kVoices[i % 3], kSpeeds[i % 3], static_cast<int>(i));
    ASSERT_TRUE(audio);
    auto t = stt->transcribe(*audio, opts);
    ASSERT_TRUE(t.ok()) << t.error().message;
    std::printf("said \"%s\" heard \"%s\" conf %.2f %s\n", sentences[i].c_str(), t->text.c_str(),
                t->confidence, t->rejected ? "rejected" : "ACCEPTED");
    rejected += t->rejected ? 1 : 0;
    if (t->rejected) {
      EXPECT_FALSE(t->command) << sentences[i];
    } else {
      EXPECT_LE(t->confidence, 0.9) << sentences[i];
    }
  }
  std::printf("out of grammar: %d/%zu rejected\n", rejected, sentences.size());
  // Issue 6: out-of-grammar speech rejected or low-confidence. Criterion: at least 7 of 8
  // rejected (confidence < min_confidence 0.5, or no command), and no accepted one may carry
  // a confidence above 0.9. Measured: 8/8 with the phone-loop verification (before: 2/8, the
  // lattice posterior was ~1.0 for every forced match). On 20 other sentences in 5 voices the
  // same calibration rejected 18 (see PocketsphinxConfig::verify_center).
  EXPECT_GE(rejected, 7);
}

// `text` as espeak-ng says it, through a fresh recogniser in dictation mode.
Result<Transcript> dictate(const std::string& text) {
  auto stt = makeStt(true, 1);
  if (!stt) return makeError("stt_unavailable", "the recogniser did not start");
  TempDir dir;
  auto audio = speak(dir, text, "en-us+m3", 160, 0);
  if (!audio) return makeError("invalid_audio", "espeak-ng did not speak");
  TranscribeOptions opts;
  opts.mode = SttMode::kDictation;
  return stt->transcribe(*audio, opts);
}

TEST(SttRoundTripTest, DictationModeSmoke) {
  auto t = dictate("what a lovely day it is today");
  ASSERT_TRUE(t.ok()) << t.error().message;
  std::printf("dictation heard \"%s\" conf %.2f in %.1f ms\n", t->text.c_str(), t->confidence,
              t->timings.decode_ms);
  EXPECT_FALSE(t->text.empty());  // low accuracy: only that it hears words
  EXPECT_FALSE(t->command);
  EXPECT_GT(t->timings.audio_ms, 1000);
}

// Dictation hears the game words the model's dictionary lacks (extraPronunciations): the
// open language model must know them too. Regression: a language model loaded after the
// decoder was created (at the first dictation) lacked them, and "research hydroponics" came
// back as "research the white on it".
TEST(SttRoundTripTest, DictationKnowsTheExtraGameWords) {
  auto t = dictate("research hydroponics");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_NE(lower(t->text).find("hydroponics"), std::string::npos) << t->text;
}

// Regression (LeakSanitizer, make asan): pocketsphinx 0.8's ps_set_jsgf_string kept the parsed
// grammar (thousands of allocations) at every compile, and ps_get_search leaked an iterator at
// every decoder. Compiles more grammars than a decoder keeps, so old ones are dropped too; in
// the asan preset LeakSanitizer then checks nothing was left behind.
TEST(SttRoundTripTest, CompilingGrammarsLeaksNothing) {
  DecoderConfig config;
  config.dictation = true;
  auto decoder = Decoder::create(config);
  ASSERT_TRUE(decoder.ok()) << decoder.error().message;
  const char* numbers[] = {"one", "two", "three", "four", "five", "six"};
  for (int i = 0; i < 6; ++i) {
    const std::string jsgf = "#JSGF V1.0;\ngrammar g" + std::to_string(i) +
                             ";\npublic <u> = build a farm | research fusion power | sell " +
                             numbers[i] + " food;\n";
    auto used = (*decoder)->useGrammar("g" + std::to_string(i), jsgf);
    EXPECT_TRUE(used.ok()) << used.error().message;
  }
  EXPECT_FALSE((*decoder)->useGrammar("bad", "this is no grammar").ok());
  EXPECT_TRUE((*decoder)->useDictation().ok());
  decoder->reset();
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_EQ(__lsan_do_recoverable_leak_check(), 0);
#endif
}

TEST(SttRoundTripTest, SaturatedPoolIsOverloaded) {
  auto stt = makeStt(false, 1);
  ASSERT_TRUE(stt);
  TranscribeOptions opts;
  opts.vocabulary = liveVocabulary();
  Audio audio{16000, std::vector<float>(16000, 0.0f)};
  {
    auto held = stt->pool().acquire(std::chrono::milliseconds(10));
    ASSERT_TRUE(held.ok());
    EXPECT_EQ(stt->pool().available(), 0);
    auto t = stt->transcribe(audio, opts);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, "overloaded");
    EXPECT_GE(t.error().retry_after_s, 1);
  }
  EXPECT_EQ(stt->pool().available(), 1);
  auto t = stt->transcribe(audio, opts);  // silence: decodes, no command
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_TRUE(t->rejected);
}

// A pool loads one decoder at start and the next only when two utterances are decoded at
// once (each holds tens of MB); beyond its size, callers wait and then hear "overloaded".
TEST(SttRoundTripTest, DecodersLoadWhenConcurrencyNeedsThem) {
  auto stt = makeStt(false, 2);
  ASSERT_TRUE(stt);
  EXPECT_EQ(stt->pool().size(), 2);
  EXPECT_EQ(stt->pool().loaded(), 1);
  EXPECT_EQ(stt->pool().available(), 2);
  {
    auto first = stt->pool().acquire(std::chrono::milliseconds(10));
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(stt->pool().loaded(), 1);  // the loaded one was free
    auto second = stt->pool().acquire(std::chrono::milliseconds(10));
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(stt->pool().loaded(), 2);
    EXPECT_EQ(stt->pool().available(), 0);
    auto third = stt->pool().acquire(std::chrono::milliseconds(10));
    ASSERT_FALSE(third.ok());
    EXPECT_EQ(third.error().code, "overloaded");
  }
  EXPECT_EQ(stt->pool().available(), 2);
  EXPECT_EQ(stt->pool().loaded(), 2);  // kept once loaded
}

TEST(SttRoundTripTest, RequestErrorsAndGrammarCache) {
  auto stt = makeStt(false, 1);
  ASSERT_TRUE(stt);
  Audio audio{16000, std::vector<float>(1600, 0.0f)};
  auto no_vocab = stt->transcribe(audio, TranscribeOptions{});
  ASSERT_FALSE(no_vocab.ok());
  EXPECT_EQ(no_vocab.error().code, "invalid_argument");
  TranscribeOptions dictation;
  dictation.mode = SttMode::kDictation;
  auto off = stt->transcribe(audio, dictation);  // created without the language model
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.error().code, "invalid_argument");
  TranscribeOptions opts;
  opts.vocabulary = liveVocabulary();
  auto empty = stt->transcribe(Audio{16000, {}}, opts);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "invalid_audio");
  auto a = stt->grammarFor(*liveVocabulary());
  auto b = stt->grammarFor(*liveVocabulary());
  EXPECT_EQ(a.get(), b.get());  // same vocabulary, same compiled grammar
  Vocabulary changed = *liveVocabulary();
  changed.systems.push_back({"Vega", 999});
  EXPECT_NE(stt->grammarFor(changed).get(), a.get());
  EXPECT_NE(stt->grammarFor(changed)->jsgf.find("vega"), std::string::npos);
}

}  // namespace
}  // namespace startales::voice
