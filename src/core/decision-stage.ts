// The name a decision stage goes by outside the wire (ledger rows, batch
// output, reports): the enum's name in lower case ("local_classifier",
// "caller_limit"), so every place that prints a stage prints the same word.
import { DecisionStage } from "../../gen/tierd/v1/router_pb.js";

export function stageName(stage: DecisionStage): string {
  return (DecisionStage[stage] ?? "unspecified").toLowerCase();
}
