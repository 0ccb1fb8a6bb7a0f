#include "app/objects.h"

#include "common/log.h"

namespace startales::app {

Result<std::unique_ptr<objects::ObjectStore>> openObjects(const Config& config,
                                                          metrics::Metrics& metrics) {
  auto store = objects::openObjectStore(config.objects, &metrics.registry());
  if (!store) return store.error();
  auto probe = (*store)->ping();  // blocking: at start, before any network thread runs
  if (!probe) {
    if (probe.error().code != "objects_unavailable") return probe.error();
    logging::warn("object store unavailable at start", {{"store", (*store)->describe()},
                                                       {"reason", probe.error().message}});
  }
  logging::info("object store", {{"store", (*store)->describe()}});
  return store;
}

}  // namespace startales::app
