export {
  DecisionRecorder,
  decisionsOutside,
  unexercised,
  type Observation,
  type TableRow,
} from './decision-recorder';
