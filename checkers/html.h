// A self-contained HTML view of a checked history (inline CSS and script, no
// network): one timeline row per process, each operation a bar from its
// invocation to its completion (open-ended when it never completed), coloured
// by outcome; the operations of the report's findings are marked, and picking
// a finding highlights its operations and numbers them in order (a partial
// linearization, or a cycle). Only the bars in view are drawn, so histories of
// hundreds of thousands of operations stay usable. Deterministic output.
#ifndef EKV_CHECKERS_HTML_H_
#define EKV_CHECKERS_HTML_H_

#include <string>

#include "checkers/history.h"
#include "checkers/report.h"

namespace ekv::checkers {

std::string RenderHtml(const History& history, const Report& report);

}  // namespace ekv::checkers

#endif  // EKV_CHECKERS_HTML_H_
