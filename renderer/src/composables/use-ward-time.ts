// Formatting helpers bound to the ward's time zone.
import { useStationStore } from '../stores/station';
import { formatClock, formatDate, formatDateTime, formatTime } from '../lib/time';

export function useWardTime() {
  const station = useStationStore();
  return {
    clock: (ms: number) => formatClock(ms, station.timeZone),
    time: (ms: number) => formatTime(ms, station.timeZone),
    date: (ms: number) => formatDate(ms, station.timeZone),
    dateTime: (ms: number) => formatDateTime(ms, station.timeZone),
    zone: () => station.timeZone,
  };
}
