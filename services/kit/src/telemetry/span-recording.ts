// Whether RPC and event code creates spans. Off unless an exporter is configured: an unrecorded span only costs
// time, and trace continuity (ids in logs, in headers) survives without it because the caller's context is passed
// through unchanged.
let recording = false;

export function setSpanRecording(on: boolean): void {
  recording = on;
}

export function spansRecorded(): boolean {
  return recording;
}
