package dev.tandem.benchmarks.codec;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import quickfix.DataDictionary;
import quickfix.FieldNotFound;
import quickfix.InvalidMessage;
import quickfix.Message;
import quickfix.field.ClOrdID;
import quickfix.field.CumQty;
import quickfix.field.ExecID;
import quickfix.field.ExecType;
import quickfix.field.HandlInst;
import quickfix.field.LastPx;
import quickfix.field.LastQty;
import quickfix.field.LeavesQty;
import quickfix.field.MsgSeqNum;
import quickfix.field.OrdStatus;
import quickfix.field.OrdType;
import quickfix.field.OrderID;
import quickfix.field.OrderQty;
import quickfix.field.AvgPx;
import quickfix.field.Price;
import quickfix.field.SenderCompID;
import quickfix.field.SendingTime;
import quickfix.field.Side;
import quickfix.field.Symbol;
import quickfix.field.TargetCompID;
import quickfix.field.TimeInForce;
import quickfix.field.TransactTime;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * Decode and encode of a NewOrderSingle and an ExecutionReport with our flyweights, beside QuickFIX/J 3.0.0 parsing
 * (bytes to String to Message, with the FIX 4.4 dictionary, then the same fields read) and serialising (a message
 * built with the same fields, then {@code toString()}, which computes BodyLength and CheckSum) in the same run.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar CodecBenchmark -f 1 -wi 2 -i 3 -prof gc}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1) // Tandem's JVM flags: BenchmarkMain gives them to every fork
@State(Scope.Thread)
public class CodecBenchmark
{
    private static final String SOH = "\u0001";
    private static final long SENDING_TIME_MS = 1_764_115_200_123L;

    private final FixDecoder decoder = new FixDecoder();
    private dev.tandem.fix.dictionary.MessageValidator validator;
    private final FixEncoder encoder = new FixEncoder();
    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(new byte[1024]);
    private UnsafeBuffer newOrderSingle;
    private int newOrderSingleLength;
    private UnsafeBuffer executionReport;
    private int executionReportLength;
    private byte[] newOrderSingleBytes;
    private byte[] executionReportBytes;
    private DataDictionary dictionary;
    private final quickfix.ValidationSettings validationSettings = new quickfix.ValidationSettings();
    private LocalDateTime sendingTime;

    @Setup
    public void setUp() throws Exception
    {
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[1024]);
        encodeNewOrderSingle(new FixEncoder(), scratch, 42);
        newOrderSingleBytes = copy(scratch);
        encodeExecutionReport(new FixEncoder(), scratch, 43);
        final FixEncoder e = new FixEncoder();
        encodeExecutionReport(e, scratch, 43);
        executionReportBytes = new byte[e.messageLength()];
        scratch.getBytes(e.messageOffset(), executionReportBytes);
        newOrderSingle = new UnsafeBuffer(newOrderSingleBytes);
        newOrderSingleLength = newOrderSingleBytes.length;
        executionReport = new UnsafeBuffer(executionReportBytes);
        executionReportLength = executionReportBytes.length;
        dictionary = new DataDictionary("FIX44.xml");
        validator = new dev.tandem.fix.dictionary.MessageValidator(
            dev.tandem.fix.dictionary.DataDictionary.fromClasspath("FIX44.xml"),
            new dev.tandem.fix.dictionary.Validation());
        sendingTime = LocalDateTime.ofEpochSecond(SENDING_TIME_MS / 1000, 123_000_000, ZoneOffset.UTC);

        if (decoder.wrap(newOrderSingle, 0, newOrderSingleLength) != FixDecoder.OK ||
            decoder.wrap(executionReport, 0, executionReportLength) != FixDecoder.OK)
        {
            throw new IllegalStateException("test messages do not decode");
        }
        decoder.wrap(newOrderSingle, 0, newOrderSingleLength);
        final int nosResult = validator.validate(decoder);
        decoder.wrap(executionReport, 0, executionReportLength);
        final int erResult = validator.validate(decoder);
        if (nosResult != dev.tandem.fix.dictionary.MessageValidator.VALID ||
            erResult != dev.tandem.fix.dictionary.MessageValidator.VALID)
        {
            throw new IllegalStateException("test messages fail our validation: " + nosResult + "/" + erResult +
                " tag " + validator.refTagId());
        }
        final Message validated = new Message();
        validated.fromString(new String(newOrderSingleBytes, StandardCharsets.ISO_8859_1), dictionary,
            validationSettings, true);
        dictionary.validate(validated, validationSettings);
        final Message validatedReport = new Message();
        validatedReport.fromString(new String(executionReportBytes, StandardCharsets.ISO_8859_1), dictionary,
            validationSettings, true);
        dictionary.validate(validatedReport, validationSettings);
        final Message check = new Message();
        check.fromString(new String(executionReportBytes, StandardCharsets.ISO_8859_1), dictionary, validationSettings, true);
        if (!check.toString().equals(new String(executionReportBytes, StandardCharsets.ISO_8859_1)))
        {
            throw new IllegalStateException("QuickFIX/J does not round-trip the execution report:\n" +
                check.toString().replace(SOH, "|") + "\n" +
                new String(executionReportBytes, StandardCharsets.ISO_8859_1).replace(SOH, "|"));
        }
    }

    private byte[] copy(final UnsafeBuffer scratch)
    {
        final FixEncoder e = new FixEncoder();
        encodeNewOrderSingle(e, scratch, 42);
        final byte[] bytes = new byte[e.messageLength()];
        scratch.getBytes(e.messageOffset(), bytes);
        return bytes;
    }

    private static int encodeNewOrderSingle(final FixEncoder e, final UnsafeBuffer buffer, final int seq)
    {
        return e.wrap(buffer, 0, buffer.capacity())
            .msgType("D").putInt(34, seq).putAscii(49, "TW44").putTimestampMs(52, SENDING_TIME_MS).putAscii(56, "ISLD")
            .putAscii(11, "ORDER-000042").putChar(21, '1').putAscii(55, "MSFT").putChar(54, '1')
            .putTimestampMs(60, SENDING_TIME_MS).putLong(38, 1000).putChar(40, '2').putDecimal(44, 42525, 2)
            .putChar(59, '0')
            .finish("FIX.4.4");
    }

    private static int encodeExecutionReport(final FixEncoder e, final UnsafeBuffer buffer, final int seq)
    {
        return e.wrap(buffer, 0, buffer.capacity())
            .msgType("8").putInt(34, seq).putAscii(49, "ISLD").putTimestampMs(52, SENDING_TIME_MS).putAscii(56, "TW44")
            .putAscii(6, "425.25").putAscii(11, "ORDER-000042").putLong(14, 400).putAscii(17, "EXEC-0000001")
            .putDecimal(31, 42525, 2).putLong(32, 400).putLong(37, 7_000_001).putLong(38, 1000).putChar(39, '1')
            .putDecimal(44, 42525, 2).putChar(54, '1').putAscii(55, "MSFT").putTimestampMs(60, SENDING_TIME_MS)
            .putChar(150, 'F').putLong(151, 600)
            .finish("FIX.4.4");
    }

    // ------------------------------------------------------------------------------------------------ ours

    @Benchmark
    public long oursDecodeNewOrderSingle()
    {
        final FixDecoder d = decoder;
        d.wrap(newOrderSingle, 0, newOrderSingleLength);
        return d.msgSeqNum() + d.longValue(38, 0) + d.decimalValue(44, 4, 0) + d.charValue(54, ' ') +
            d.timestampMs(60, 0) + d.fieldIndex(11) + d.fieldIndex(55);
    }

    @Benchmark
    public long oursDecodeExecutionReport()
    {
        final FixDecoder d = decoder;
        d.wrap(executionReport, 0, executionReportLength);
        return d.msgSeqNum() + d.longValue(32, 0) + d.decimalValue(31, 4, 0) + d.longValue(151, 0) +
            d.charValue(39, ' ') + d.charValue(150, ' ') + d.timestampMs(60, 0) + d.fieldIndex(11) +
            d.fieldIndex(17);
    }

    @Benchmark
    public int oursEncodeNewOrderSingle()
    {
        return encodeNewOrderSingle(encoder, encodeBuffer, 42);
    }

    @Benchmark
    public int oursEncodeExecutionReport()
    {
        return encodeExecutionReport(encoder, encodeBuffer, 43);
    }

    /** Decode, validate against the FIX 4.4 dictionary (every check on), then read the same fields. */
    @Benchmark
    public long oursDecodeValidateNewOrderSingle()
    {
        final FixDecoder d = decoder;
        d.wrap(newOrderSingle, 0, newOrderSingleLength);
        return validator.validate(d) + d.msgSeqNum() + d.longValue(38, 0) + d.decimalValue(44, 4, 0) +
            d.charValue(54, ' ') + d.timestampMs(60, 0) + d.fieldIndex(11) + d.fieldIndex(55);
    }

    /** Decode, validate against the FIX 4.4 dictionary (every check on), then read the same fields. */
    @Benchmark
    public long oursDecodeValidateExecutionReport()
    {
        final FixDecoder d = decoder;
        d.wrap(executionReport, 0, executionReportLength);
        return validator.validate(d) + d.msgSeqNum() + d.longValue(32, 0) + d.decimalValue(31, 4, 0) +
            d.longValue(151, 0) + d.charValue(39, ' ') + d.charValue(150, ' ') + d.timestampMs(60, 0) +
            d.fieldIndex(11) + d.fieldIndex(17);
    }

    // ------------------------------------------------------------------------------------------------ QuickFIX/J

    /** Parse with validation on (as a QuickFIX/J session does for an inbound message), then read the same fields. */
    @Benchmark
    public double qfjDecodeValidateNewOrderSingle() throws Exception
    {
        final Message m = new Message();
        m.fromString(new String(newOrderSingleBytes, StandardCharsets.ISO_8859_1), dictionary, validationSettings, true);
        dictionary.validate(m, validationSettings);
        return m.getHeader().getInt(MsgSeqNum.FIELD) + m.getDouble(OrderQty.FIELD) + m.getDouble(Price.FIELD) +
            m.getChar(Side.FIELD) + m.getUtcTimeStamp(TransactTime.FIELD).getNano() +
            m.getString(ClOrdID.FIELD).length() + m.getString(Symbol.FIELD).length();
    }

    /** Parse with validation on, then read the same fields. */
    @Benchmark
    public double qfjDecodeValidateExecutionReport() throws Exception
    {
        final Message m = new Message();
        m.fromString(new String(executionReportBytes, StandardCharsets.ISO_8859_1), dictionary, validationSettings, true);
        dictionary.validate(m, validationSettings);
        return m.getHeader().getInt(MsgSeqNum.FIELD) + m.getDouble(LastQty.FIELD) + m.getDouble(LastPx.FIELD) +
            m.getDouble(LeavesQty.FIELD) + m.getChar(OrdStatus.FIELD) + m.getChar(ExecType.FIELD) +
            m.getUtcTimeStamp(TransactTime.FIELD).getNano() + m.getString(ClOrdID.FIELD).length() +
            m.getString(ExecID.FIELD).length();
    }

    @Benchmark
    public double qfjDecodeNewOrderSingle() throws InvalidMessage, FieldNotFound
    {
        final Message m = new Message();
        m.fromString(new String(newOrderSingleBytes, StandardCharsets.ISO_8859_1), dictionary, validationSettings, false);
        return m.getHeader().getInt(MsgSeqNum.FIELD) + m.getDouble(OrderQty.FIELD) + m.getDouble(Price.FIELD) +
            m.getChar(Side.FIELD) + m.getUtcTimeStamp(TransactTime.FIELD).getNano() +
            m.getString(ClOrdID.FIELD).length() + m.getString(Symbol.FIELD).length();
    }

    @Benchmark
    public double qfjDecodeExecutionReport() throws InvalidMessage, FieldNotFound
    {
        final Message m = new Message();
        m.fromString(new String(executionReportBytes, StandardCharsets.ISO_8859_1), dictionary, validationSettings, false);
        return m.getHeader().getInt(MsgSeqNum.FIELD) + m.getDouble(LastQty.FIELD) + m.getDouble(LastPx.FIELD) +
            m.getDouble(LeavesQty.FIELD) + m.getChar(OrdStatus.FIELD) + m.getChar(ExecType.FIELD) +
            m.getUtcTimeStamp(TransactTime.FIELD).getNano() + m.getString(ClOrdID.FIELD).length() +
            m.getString(ExecID.FIELD).length();
    }

    @Benchmark
    public String qfjEncodeNewOrderSingle()
    {
        final quickfix.fix44.NewOrderSingle m = new quickfix.fix44.NewOrderSingle();
        header(m, "TW44", "ISLD", 42);
        m.set(new ClOrdID("ORDER-000042"));
        m.set(new HandlInst('1'));
        m.set(new Symbol("MSFT"));
        m.set(new Side('1'));
        m.set(new TransactTime(sendingTime));
        m.set(new OrderQty(1000));
        m.set(new OrdType('2'));
        m.set(new Price(425.25));
        m.set(new TimeInForce('0'));
        return m.toString();
    }

    @Benchmark
    public String qfjEncodeExecutionReport()
    {
        final quickfix.fix44.ExecutionReport m = new quickfix.fix44.ExecutionReport();
        header(m, "ISLD", "TW44", 43);
        m.set(new AvgPx(425.25));
        m.set(new ClOrdID("ORDER-000042"));
        m.set(new CumQty(400));
        m.set(new ExecID("EXEC-0000001"));
        m.set(new LastPx(425.25));
        m.set(new LastQty(400));
        m.set(new OrderID("7000001"));
        m.set(new OrderQty(1000));
        m.set(new OrdStatus('1'));
        m.set(new Price(425.25));
        m.set(new Side('1'));
        m.set(new Symbol("MSFT"));
        m.set(new TransactTime(sendingTime));
        m.set(new ExecType('F'));
        m.set(new LeavesQty(600));
        return m.toString();
    }

    private void header(final Message m, final String sender, final String target, final int seq)
    {
        m.getHeader().setField(new MsgSeqNum(seq));
        m.getHeader().setField(new SenderCompID(sender));
        m.getHeader().setField(new SendingTime(sendingTime));
        m.getHeader().setField(new TargetCompID(target));
    }

    /** Keeps the Blackhole import meaningful for readers adding benchmarks. */
    static void consume(final Blackhole blackhole, final Object value)
    {
        blackhole.consume(value);
    }
}
