// The startales binary: the only place that wires modules together.

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"
#include "app/config.h"

#ifndef STARTALES_VERSION
#define STARTALES_VERSION "0.0.0"
#endif

namespace {

int run(int argc, char** argv) {
  using namespace startales::app;
  CLI::App cli{"StarTales: a voice-driven galactic strategy game server.\n"
               "Every option can also be set by the environment variable shown beside it."};
  cli.set_version_flag("--version", std::string("startales ") + STARTALES_VERSION);
  cli.require_subcommand(1);
  ConfigLoader loader;
  loader.declare(cli);
  auto* serve = cli.add_subcommand("serve", "Run everything in one process (the default setup)");
  auto* api = cli.add_subcommand("api", "Run the API role only (distributed deployments)");
  auto* migrate = cli.add_subcommand("migrate", "Apply database migrations and exit");
  auto* routes = cli.add_subcommand(
      "routes", "Print the HTTP routes and /ws message types `serve` would answer with these "
                "options, as JSON, and exit (opens the database like serve)");
  auto* stt = cli.add_subcommand(
      "stt", "Run the speech-to-text service alone (POST /transcribe, /v1/audio/transcriptions)");
  auto* tts = cli.add_subcommand(
      "tts", "Run the text-to-speech service alone (POST /synthesize, /clone-voice, /v1/audio/speech)");
  ReplayOptions replay_options;
  auto* replay = cli.add_subcommand(
      "replay", "Rebuild a campaign from its command log alone and compare with its snapshot");
  replay->add_option("--campaign", replay_options.campaign, "Campaign id")->required();
  replay->add_option("--tick", replay_options.tick,
                     "Replay up to this tick (default: the latest snapshot's)");
  for (auto* sub : {serve, api, migrate, routes, replay, stt, tts}) sub->fallthrough();
  SimOptions sim_options;
  auto* sim = cli.add_subcommand("sim", "Run a headless campaign of AI empires and print a summary");
  sim->add_option("--seed", sim_options.seed, "Galaxy and campaign seed")->capture_default_str();
  sim->add_option("--systems", sim_options.systems, "Star systems (20-5000)")
      ->capture_default_str();
  sim->add_option("--civs", sim_options.civs, "AI empires (1-32)")->capture_default_str();
  sim->add_option("--ticks", sim_options.ticks, "Ticks (game days) to simulate")
      ->check(CLI::Range(0, 10'000'000))
      ->capture_default_str();
  sim->add_option("--hash-every", sim_options.hash_every,
                  "Also record the state hash every N ticks (determinism checks)")
      ->check(CLI::NonNegativeNumber);
  sim->add_flag("--json", sim_options.json, "Print one JSON object instead of text");
  HealthcheckOptions healthcheck_options;
  auto* healthcheck = cli.add_subcommand(
      "healthcheck", "GET a URL and exit 0 on a 2xx answer, 1 otherwise (container health "
                     "checks: the images have no curl)");
  healthcheck->add_option("url", healthcheck_options.url, "http://HOST:PORT/path")->required();
  healthcheck->add_option("--timeout-ms", healthcheck_options.timeout_ms,
                          "Longest wait for connect + answer, ms")
      ->check(CLI::Range(1, 600'000))
      ->capture_default_str();
  auto* rules = cli.add_subcommand(
      "rules", "Print every rule table and constant as Markdown (for docs/game-rules.md)");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  if (*sim) return runSim(sim_options);
  if (*rules) return runRules();
  if (*healthcheck) return runHealthcheck(healthcheck_options);

  Config config;
  config.speech_role = *stt || *tts;
  config.cluster_role = static_cast<bool>(*api);
  std::vector<std::string> problems;
  if (!loader.load(config, problems)) {
    std::cerr << "startales: invalid configuration (" << problems.size() << " problem"
              << (problems.size() == 1 ? "" : "s") << "):\n";
    for (const auto& p : problems) std::cerr << "  " << p << "\n";
    return 2;
  }
  if (*migrate) return runMigrate(config);
  if (*routes) return runServer(config, Role::kServe, true);
  if (*replay) return runReplay(config, replay_options);
  if (*stt) return runSpeechService(config, SpeechRole::kStt);
  if (*tts) return runSpeechService(config, SpeechRole::kTts);
  return runServer(config, *api ? Role::kApi : Role::kServe);
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are values inside; an exception reaching here is a bug or a library failure.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "startales: fatal: " << e.what() << "\n";
    return 70;
  }
}
