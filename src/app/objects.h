#pragma once

// The object store of a server process (serve, api, tts), opened once at start.

#include <memory>

#include "app/config.h"
#include "common/result.h"
#include "metrics/metrics.h"
#include "objects/object_store.h"

namespace startales::app {

// Opens config.objects with its metrics and probes it once: a store that refuses us (wrong
// key, missing bucket, wrong region) stops the start with the error naming the fix; one that
// is down only logs a warning (GET /api/ready reports it until it answers).
Result<std::unique_ptr<objects::ObjectStore>> openObjects(const Config& config,
                                                          metrics::Metrics& metrics);

}  // namespace startales::app
