import { ConnectionFrameReader } from './frame-reading';

describe('reading the frames of a connection for the protocol log', () => {
  it('names a CALL by its action and its answer, from the other side, by the same action', () => {
    const reader = new ConnectionFrameReader();
    expect(reader.read('[2,"m1","StartTransaction",{"connectorId":1}]', 'IN')).toEqual({
      messageType: 2,
      messageId: 'm1',
      action: 'StartTransaction',
      transactionId: null,
      error: null,
    });
    expect(reader.read('[3,"m1",{"transactionId":42,"idTagInfo":{"status":"Accepted"}}]', 'OUT')).toEqual({
      messageType: 3,
      messageId: 'm1',
      action: 'StartTransaction',
      transactionId: 42,
      error: null,
    });
    expect(reader.read('[2,"m2","MeterValues",{"transactionId":42}]', 'IN').transactionId).toBe(42);
  });

  it('keeps the reason of a CALLERROR, and does not take an answer from the same side as the call', () => {
    const reader = new ConnectionFrameReader();
    reader.read('[2,"m1","Heartbeat",{"x":1}]', 'IN');
    expect(reader.read('[3,"m1",{}]', 'IN').action).toBeNull();
    expect(
      reader.read('[4,"m1","PropertyConstraintViolation","data must NOT have additional properties",{}]', 'OUT'),
    ).toEqual({
      messageType: 4,
      messageId: 'm1',
      action: 'Heartbeat',
      transactionId: null,
      error: 'PropertyConstraintViolation: data must NOT have additional properties',
    });
  });

  it('keeps what is not OCPP-J, saying why', () => {
    const reader = new ConnectionFrameReader();
    expect(reader.read('{not json', 'IN')).toMatchObject({ messageType: null, error: 'not JSON' });
    expect(reader.read('{"a":1}', 'IN')).toMatchObject({ messageType: null, error: 'not a JSON array' });
    expect(reader.read('[7,"m9"]', 'IN')).toMatchObject({
      messageType: null,
      messageId: 'm9',
      error: 'message type 7 is not 2, 3 or 4',
    });
    expect(reader.read('[2,"m1","X",{"transactionId":1.5}]', 'IN').transactionId).toBeNull();
  });

  it('remembers a bounded number of open calls', () => {
    const reader = new ConnectionFrameReader(2);
    reader.read('[2,"a","A",{}]', 'IN');
    reader.read('[2,"b","B",{}]', 'IN');
    reader.read('[2,"c","C",{}]', 'IN');
    expect(reader.read('[3,"a",{}]', 'OUT').action).toBeNull();
    expect(reader.read('[3,"c",{}]', 'OUT').action).toBe('C');
  });
});
