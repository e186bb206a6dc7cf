#include "checkers/txn.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "checkers/syntax.h"
#include "engine/base/status.h"

namespace ekv::checkers {
namespace {

absl::string_view ModelName(TxnModel model) {
  return model == TxnModel::kListAppend ? "list-append" : "rw-register";
}

// The mop's function as written, checked against the model's vocabulary.
bool ParseMopKind(const Value& f, TxnModel model, MopKind* out) {
  if (!f.is_string()) return false;
  const absl::string_view name = f.string_view();
  if (name == "r") {
    *out = MopKind::kRead;
  } else if (name == "append" && model == TxnModel::kListAppend) {
    *out = MopKind::kAppend;
  } else if (name == "w" && model == TxnModel::kRwRegister) {
    *out = MopKind::kWrite;
  } else {
    return false;
  }
  return true;
}

}  // namespace

uint32_t TxnTable::InternKey(const Value& v) {
  auto [it, inserted] = key_ids_.try_emplace(v, keys_.size());
  if (inserted) keys_.push_back(v);
  return it->second;
}

uint32_t TxnTable::InternValue(const Value& v) {
  if (v.is_int()) {
    auto [it, inserted] =
        int_value_ids_.try_emplace(v.int_value(), values_.size());
    if (inserted) values_.push_back(v);
    return it->second;
  }
  auto [it, inserted] = value_ids_.try_emplace(v, values_.size());
  if (inserted) values_.push_back(v);
  return it->second;
}

absl::StatusOr<TxnTable> TxnTable::Build(const History& history,
                                         TxnModel model) {
  TxnTable table;
  table.InternValue(Value::Nil());  // kNil
  table.txns_.reserve(history.ops.size());
  for (const Operation& op : history.ops) {
    if (absl::Status s = table.AddTxn(op, model); !s.ok()) {
      return AddContext(s, absl::StrCat(history.source, ": ", op.Where()));
    }
  }
  return table;
}

absl::Status TxnTable::AddTxn(const Operation& op, TxnModel model) {
  const absl::string_view shape =
      model == TxnModel::kListAppend
          ? "[[\"append\", k, v] or [\"r\", k, [v...] or null], ...]"
          : "[[\"w\", k, v] or [\"r\", k, v or null], ...]";
  if (op.f != "txn") {
    return InvalidRequestError(
        absl::StrCat("the ", ModelName(model),
                     " model checks only f \"txn\", not \"", op.f, "\""));
  }
  const bool ok = op.type == OpType::kOk;
  const Value& invoked = op.value;
  const Value& source = ok ? op.result : op.value;
  if (!invoked.is_list() || !source.is_list()) {
    return InvalidRequestError(absl::StrCat("a txn's value must be ", shape));
  }
  if (invoked.list().size() != source.list().size()) {
    return InvalidRequestError(
        "the completion lists a different number of micro-ops than the "
        "invocation");
  }
  Txn txn;
  txn.op = op.index;
  txn.type = op.type;
  txn.first_mop = static_cast<uint32_t>(mops_.size());
  for (size_t i = 0; i < source.list().size(); ++i) {
    const Value& m = source.list()[i];
    const Value& asked = invoked.list()[i];
    Mop mop;
    if (!m.is_list() || m.list().size() != 3 ||
        !ParseMopKind(m.list()[0], model, &mop.kind)) {
      return InvalidRequestError(absl::StrCat(
          "micro-op ", i, " is ", m.ToText(), "; expected ", shape));
    }
    const Value& key = m.list()[1];
    const Value& v = m.list()[2];
    if (!asked.is_list() || asked.list().size() != 3 ||
        asked.list()[0] != m.list()[0] || asked.list()[1] != key ||
        (mop.kind != MopKind::kRead && asked.list()[2] != v)) {
      return InvalidRequestError(
          absl::StrCat("micro-op ", i, " completes as ", m.ToText(),
                       " but was invoked as ", asked.ToText()));
    }
    mop.key = InternKey(key);
    mop.list = mop.kind == MopKind::kRead && model == TxnModel::kListAppend;
    if (mop.kind != MopKind::kRead) {
      if (v.is_nil()) {
        return InvalidRequestError(absl::StrCat(
            "micro-op ", i, " writes nil, which cannot be told from no write"));
      }
      mop.value = InternValue(v);
    } else if (ok && model == TxnModel::kRwRegister) {
      mop.read_known = true;
      mop.value = InternValue(v);
    } else if (ok) {
      if (!v.is_nil() && !v.is_list()) {
        return InvalidRequestError(absl::StrCat("micro-op ", i, " reads ",
                                                v.ToText(),
                                                "; a list or null expected"));
      }
      mop.read_known = true;
      mop.list = true;
      mop.value = static_cast<uint32_t>(elements_.size());
      if (v.is_list()) {
        for (const Value& e : v.list()) elements_.push_back(InternValue(e));
        mop.length = static_cast<uint32_t>(v.list().size());
      }
    }
    mops_.push_back(mop);
  }
  txn.mop_count = static_cast<uint32_t>(mops_.size()) - txn.first_mop;
  txns_.push_back(txn);
  return absl::OkStatus();
}

std::string DescribeMop(const TxnTable& table, const Mop& mop) {
  const std::string key = table.key(mop.key).ToText();
  switch (mop.kind) {
    case MopKind::kAppend:
      return absl::StrCat("append ", table.value(mop.value).ToText(), " to ",
                          key);
    case MopKind::kWrite:
      return absl::StrCat("write ", table.value(mop.value).ToText(), " to ",
                          key);
    case MopKind::kRead:
      break;
  }
  if (!mop.read_known) return absl::StrCat("read ", key, " (unknown)");
  if (!mop.list) {
    return absl::StrCat("read ", key, " = ", table.value(mop.value).ToText());
  }
  // Long lists show their first and last few elements.
  constexpr uint32_t kEnds = 4;
  std::string out = absl::StrCat("read ", key, " = [");
  const uint32_t* e = table.elements(mop);
  for (uint32_t i = 0; i < mop.length; ++i) {
    if (mop.length > 3 * kEnds && i == kEnds) {
      absl::StrAppend(&out, " ...", mop.length - 2 * kEnds, " more...");
      i = mop.length - kEnds;
    }
    absl::StrAppend(&out, i > 0 ? " " : "", table.value(e[i]).ToText());
  }
  out.append("]");
  return out;
}

}  // namespace ekv::checkers
