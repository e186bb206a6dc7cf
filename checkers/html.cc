#include "checkers/html.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "checkers/json.h"

namespace ekv::checkers {
namespace {

std::string EscapeHtml(absl::string_view s) {
  return absl::StrReplaceAll(
      s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

// The history and report as one JSON object for the page's script.
std::string PageData(const History& history, const Report& report) {
  std::map<int64_t, int> rows;  // process -> row, in process order
  for (const Operation& op : history.ops) rows.emplace(op.process, 0);
  std::vector<int64_t> processes;
  for (auto& [process, row] : rows) {
    row = static_cast<int>(processes.size());
    processes.push_back(process);
  }
  int64_t end = 0;
  for (const Operation& op : history.ops) {
    end = std::max(end, op.completed() ? op.complete_time : op.invoke_time);
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("timeUnit").String(history.has_time ? "time" : "event");
  w.Key("end").Int(end + 1);
  w.Key("processes").BeginArray();
  for (int64_t p : processes) w.Int(p);
  w.EndArray();
  // Each op: [row, start, end, outcome, line, description]; outcome 0 ok,
  // 1 fail, 2 info, 3 never completed (its bar runs to the end).
  w.Key("ops").BeginArray();
  for (const Operation& op : history.ops) {
    const int outcome = !op.completed()            ? 3
                        : op.type == OpType::kOk   ? 0
                        : op.type == OpType::kFail ? 1
                                                   : 2;
    w.BeginArray()
        .Int(rows[op.process])
        .Int(op.invoke_time)
        .Int(op.completed() ? op.complete_time : end + 1)
        .Int(outcome)
        .Int(op.invoke_line)
        .String(absl::StrCat("p", op.process, " ", op.Describe()))
        .EndArray();
  }
  w.EndArray();
  w.Key("findings").BeginArray();
  for (const Finding& f : report.findings) {
    w.BeginObject();
    w.Key("kind").String(f.kind);
    w.Key("summary").String(f.summary);
    w.Key("details").BeginArray();
    for (const std::string& d : f.details) w.String(d);
    w.EndArray();
    w.Key("ops").BeginArray();
    for (int32_t op : f.ops) w.Int(op);
    w.EndArray();
    w.Key("order").BeginArray();
    for (int32_t op : f.order) w.Int(op);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  // Inside <script>, "</" could end the element early.
  return absl::StrReplaceAll(out, {{"</", "<\\/"}});
}

constexpr absl::string_view kStyle = R"css(
body{font:13px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{padding:10px 16px;border-bottom:1px solid #ddd}
h1{font-size:16px;margin:0 0 4px}
.valid{color:#1a7f37}.invalid{color:#cf222e}.unknown{color:#9a6700}
#findings{max-height:30vh;overflow:auto;padding:4px 16px;border-bottom:1px solid #ddd}
.finding{margin:4px 0;cursor:pointer}.finding.sel{background:#fff8c5}
.finding pre{margin:2px 0 4px 16px;white-space:pre-wrap;font-size:12px;color:#444}
#bar{padding:6px 16px;border-bottom:1px solid #eee}
#view{position:relative;overflow:auto;height:60vh}
#canvas{position:relative}
.row{position:absolute;left:0;height:1px;background:#eee;width:100%}
.label{position:absolute;left:0;z-index:2;background:#fff;font-size:11px;padding:0 4px}
.op{position:absolute;height:14px;border-radius:2px;font-size:10px;overflow:hidden;
  white-space:nowrap;color:#000;box-sizing:border-box;border:1px solid rgba(0,0,0,.25)}
.o0{background:#b6e3c3}.o1{background:#e6e6e6;color:#777}.o2{background:#ffd8a8}
.o3{background:repeating-linear-gradient(45deg,#ffd8a8,#ffd8a8 4px,#fff 4px,#fff 8px)}
.mark{border:2px solid #cf222e}.hl{outline:3px solid #0969da;z-index:1}
#tip{position:fixed;display:none;background:#fff;border:1px solid #999;padding:4px 6px;
  font-size:12px;max-width:60vw;z-index:9;pointer-events:none;white-space:pre-wrap}
)css";

constexpr absl::string_view kScript = R"js(
const D=JSON.parse(document.getElementById('data').textContent);
const view=document.getElementById('view'),canvas=document.getElementById('canvas');
const tip=document.getElementById('tip'),zoom=document.getElementById('zoom');
const ROW=20,LEFT=60;let scale=1,selected=-1,order=new Map(),hl=new Set();
const marked=new Set();D.findings.forEach(f=>f.ops.forEach(o=>marked.add(o)));
const rowsEl=[];
canvas.style.height=(D.processes.length*ROW+10)+'px';
D.processes.forEach((p,i)=>{const l=document.createElement('div');l.className='label';
  l.style.top=(i*ROW+2)+'px';l.textContent='p'+p;canvas.appendChild(l);rowsEl.push(l);});
const layer=document.createElement('div');canvas.appendChild(layer);
function fit(){scale=Math.max((view.clientWidth-LEFT-20)/D.end,1e-6);zoom.value=0;draw();}
function x(t){return LEFT+t*scale;}
function draw(){
  canvas.style.width=(LEFT+D.end*scale+20)+'px';
  rowsEl.forEach(l=>l.style.left=view.scrollLeft+'px');
  const a=view.scrollLeft-LEFT,b=a+view.clientWidth;const lo=a/scale,hi=b/scale;
  const parts=[];let n=0;
  for(let i=0;i<D.ops.length&&n<20000;i++){const o=D.ops[i];if(o[2]<lo||o[1]>hi)continue;n++;
    const w=Math.max((o[2]-o[1])*scale,3);let c='op o'+o[3];if(marked.has(i))c+=' mark';if(hl.has(i))c+=' hl';
    const k=order.has(i)?'#'+order.get(i)+' ':'';
    parts.push('<div class="'+c+'" data-i="'+i+'" style="left:'+x(o[1])+'px;top:'+(o[0]*ROW+3)+'px;width:'+w+'px">'+k+esc(o[5])+'</div>');}
  layer.innerHTML=parts.join('');}
function esc(s){return s.replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));}
view.addEventListener('scroll',()=>requestAnimationFrame(draw));
zoom.addEventListener('input',()=>{const mid=(view.scrollLeft+view.clientWidth/2-LEFT)/scale;
  scale=(view.clientWidth-LEFT-20)/D.end*Math.pow(2,zoom.value/4);draw();
  view.scrollLeft=mid*scale+LEFT-view.clientWidth/2;draw();});
layer.addEventListener('mousemove',e=>{const t=e.target.closest('.op');if(!t){tip.style.display='none';return;}
  const o=D.ops[+t.dataset.i];tip.textContent=o[5]+'\n'+(o[4]?'line '+o[4]+', ':'')+D.timeUnit+' '+o[1]+' to '+(o[3]==3?'never':o[2]);
  tip.style.display='block';tip.style.left=(e.clientX+12)+'px';tip.style.top=(e.clientY+12)+'px';});
layer.addEventListener('mouseleave',()=>tip.style.display='none');
function select(k){selected=k;hl=new Set();order=new Map();
  document.querySelectorAll('.finding').forEach((el,i)=>el.classList.toggle('sel',i==k));
  if(k>=0){const f=D.findings[k];f.ops.forEach(o=>hl.add(o));f.order.forEach((o,i)=>order.set(o,i+1));
    const first=f.ops.length?D.ops[f.ops[0]]:null;
    if(first){view.scrollLeft=Math.max(x(first[1])-view.clientWidth/3,0);view.scrollTop=Math.max(first[0]*ROW-60,0);}}
  draw();}
document.querySelectorAll('.finding').forEach((el,i)=>el.addEventListener('click',()=>select(selected==i?-1:i)));
window.addEventListener('resize',draw);fit();
)js";

}  // namespace

std::string RenderHtml(const History& history, const Report& report) {
  std::string out = "<!doctype html>\n<html><head><meta charset=\"utf-8\">";
  absl::StrAppend(&out, "<title>", EscapeHtml(report.source), "</title><style>",
                  kStyle, "</style></head><body><header><h1>",
                  EscapeHtml(report.source), ": <span class=\"",
                  VerdictName(report.verdict), "\">",
                  VerdictName(report.verdict), "</span></h1><div>",
                  EscapeHtml(report.model), ": ", EscapeHtml(report.summary),
                  "</div></header><div id=\"findings\">");
  if (report.findings.empty()) out.append("<p>No findings.</p>");
  for (const Finding& f : report.findings) {
    absl::StrAppend(&out, "<div class=\"finding\"><b>", EscapeHtml(f.kind),
                    "</b>: ", EscapeHtml(f.summary));
    if (!f.details.empty()) {
      out.append("<pre>");
      for (const std::string& d : f.details) {
        absl::StrAppend(&out, EscapeHtml(d), "\n");
      }
      out.append("</pre>");
    }
    out.append("</div>");
  }
  absl::StrAppend(
      &out,
      "</div><div id=\"bar\">zoom <input id=\"zoom\" type=\"range\" min=\"0\" "
      "max=\"60\" value=\"0\"> <small>green ok, grey failed, orange "
      "indeterminate (hatched: never completed), red border: in a finding; "
      "click a finding to highlight and number its operations</small></div>"
      "<div id=\"view\"><div id=\"canvas\"></div></div><div id=\"tip\"></div>"
      "<script type=\"application/json\" id=\"data\">",
      PageData(history, report), "</script><script>", kScript,
      "</script></body></html>\n");
  return out;
}

}  // namespace ekv::checkers
