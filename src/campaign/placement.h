#pragma once

// Where live campaigns run, in cluster mode (`startales api`): implemented by the node's
// cluster::Ownership, consulted by CampaignService. `serve` has none: every campaign runs here.
//
// Threading: called from any thread; must not block.

#include <cstdint>

namespace startales::campaign {

class Placement {
 public:
  virtual ~Placement() = default;
  // Campaign `id` became running in the database (started, or resumed from storage) through
  // this node: have the least-loaded live node adopt it (CampaignService::adopt there).
  virtual void place(int64_t id) = 0;
  // Live campaign `id` left this node: handed off, suspended, deleted (`lost` false: release
  // its lease), or lost to a takeover or a missed renewal deadline (`lost` true).
  virtual void dropped(int64_t id, bool lost) = 0;
};

}  // namespace startales::campaign
