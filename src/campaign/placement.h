#pragma once

// Where live campaigns run, in cluster mode (`startales api`): implemented by the node's
// cluster::Ownership, consulted by CampaignService. `serve` has none: every campaign runs here.
//
// Threading: called from any thread; must not block.

#include <cstdint>
#include <memory>

namespace startales::campaign {

class CampaignRuntime;
class LiveCampaign;

class Placement {
 public:
  virtual ~Placement() = default;
  // Campaign `id` became running in the database (started, or resumed from storage) through
  // this node: have the least-loaded live node adopt it (CampaignService::adopt there).
  virtual void place(int64_t id) = 0;
  // Campaign `id` is live here now (adopted with its lease): other nodes may reach it.
  virtual void adopted(int64_t id, std::shared_ptr<CampaignRuntime> runtime) = 0;
  // Live campaign `id` left this node: handed off, suspended, deleted (`lost` false: release
  // its lease), or lost to a takeover or a missed renewal deadline (`lost` true).
  virtual void dropped(int64_t id, bool lost) = 0;
  // A handle on campaign `id`, running on another node (it forwards there); null when this
  // node cannot reach other nodes.
  virtual std::shared_ptr<LiveCampaign> remote(int64_t id) = 0;
};

}  // namespace startales::campaign
