import type { DoctorTitle } from "~/domain/vocabulary";
import type { Bilingual } from "./schema";

/** Everyone in the demo hospital signs in with this password. */
export const DEMO_PASSWORD = "yunzhen-demo-2026";

export const DEMO_ACCOUNTS = {
  patient: { email: "patient@yunzhen.example", displayName: "陈小明 Chen Xiaoming" },
  doctor: { email: "doctor@yunzhen.example" },
  staff: { email: "staff@yunzhen.example", displayName: "护士长 周红 Zhou Hong" },
  admin: { email: "admin@yunzhen.example", displayName: "系统管理员 Admin" },
} as const;

export const DEMO_DEPARTMENTS = [
  { code: "respiratory", nameZh: "呼吸内科", nameEn: "Respiratory Medicine" },
  { code: "infectious-diseases", nameZh: "感染科", nameEn: "Infectious Diseases" },
  { code: "cardiology", nameZh: "心血管内科", nameEn: "Cardiology" },
  { code: "paediatrics", nameZh: "儿科", nameEn: "Paediatrics" },
  { code: "dermatology", nameZh: "皮肤科", nameEn: "Dermatology" },
  { code: "psychology", nameZh: "心理咨询科", nameEn: "Psychological Counselling" },
] as const;

type DemoDoctor = {
  email: string;
  department: (typeof DEMO_DEPARTMENTS)[number]["code"];
  nameZh: string;
  nameEn: string;
  title: DoctorTitle;
  specialties: Bilingual[];
  languages: string[];
  bioZh: string;
  bioEn: string;
  minutes: number;
};

const s = (zh: string, en: string): Bilingual => ({ zh, en });

export const DEMO_DOCTORS: DemoDoctor[] = [
  {
    email: DEMO_ACCOUNTS.doctor.email,
    department: "respiratory",
    nameZh: "李明华",
    nameEn: "Li Minghua",
    title: "chief",
    specialties: [s("慢性咳嗽", "Chronic cough"), s("哮喘", "Asthma"), s("肺部感染", "Lung infections")],
    languages: ["zh", "en"],
    bioZh: "从事呼吸内科临床工作二十余年，擅长慢性咳嗽、哮喘和肺部感染的诊治。",
    bioEn: "Over twenty years in respiratory medicine; chronic cough, asthma and lung infections.",
    minutes: 15,
  },
  {
    email: "dr.wang.xiaoyan@yunzhen.example",
    department: "respiratory",
    nameZh: "王晓燕",
    nameEn: "Wang Xiaoyan",
    title: "attending",
    specialties: [s("慢阻肺", "COPD"), s("睡眠呼吸暂停", "Sleep apnoea")],
    languages: ["zh"],
    bioZh: "主治医师，长期随访慢阻肺患者。",
    bioEn: "Attending physician following patients with COPD over the long term.",
    minutes: 15,
  },
  {
    email: "dr.chen.zhiqiang@yunzhen.example",
    department: "respiratory",
    nameZh: "陈志强",
    nameEn: "Chen Zhiqiang",
    title: "associate_chief",
    specialties: [s("发热咳嗽", "Fever and cough"), s("肺结节", "Lung nodules")],
    languages: ["zh", "yue"],
    bioZh: "副主任医师，擅长发热门诊和肺结节随访。",
    bioEn: "Associate chief physician; fever clinic and follow-up of lung nodules.",
    minutes: 20,
  },
  {
    email: "dr.zhao.jianguo@yunzhen.example",
    department: "infectious-diseases",
    nameZh: "赵建国",
    nameEn: "Zhao Jianguo",
    title: "chief",
    specialties: [s("病毒性肝炎", "Viral hepatitis"), s("发热待查", "Fever of unknown origin")],
    languages: ["zh", "en"],
    bioZh: "感染科主任，参与多次公共卫生事件救治。",
    bioEn: "Head of Infectious Diseases; has led the clinic through several outbreaks.",
    minutes: 20,
  },
  {
    email: "dr.liu.ting@yunzhen.example",
    department: "infectious-diseases",
    nameZh: "刘婷",
    nameEn: "Liu Ting",
    title: "attending",
    specialties: [s("流感", "Influenza"), s("旅行医学", "Travel medicine")],
    languages: ["zh", "en"],
    bioZh: "主治医师，擅长呼吸道传染病和出行前咨询。",
    bioEn: "Attending physician; respiratory infections and advice before travel.",
    minutes: 15,
  },
  {
    email: "dr.sun.lixin@yunzhen.example",
    department: "cardiology",
    nameZh: "孙立新",
    nameEn: "Sun Lixin",
    title: "chief",
    specialties: [s("高血压", "Hypertension"), s("冠心病", "Coronary heart disease")],
    languages: ["zh"],
    bioZh: "心血管内科主任医师，专注高血压和冠心病的长期管理。",
    bioEn: "Chief physician; long-term care of hypertension and coronary heart disease.",
    minutes: 20,
  },
  {
    email: "dr.zhou.min@yunzhen.example",
    department: "cardiology",
    nameZh: "周敏",
    nameEn: "Zhou Min",
    title: "associate_chief",
    specialties: [s("心律失常", "Arrhythmia"), s("心衰随访", "Heart failure follow-up")],
    languages: ["zh", "en"],
    bioZh: "副主任医师，擅长心律失常诊治。",
    bioEn: "Associate chief physician; arrhythmia diagnosis and treatment.",
    minutes: 15,
  },
  {
    email: "dr.wu.jing@yunzhen.example",
    department: "paediatrics",
    nameZh: "吴静",
    nameEn: "Wu Jing",
    title: "associate_chief",
    specialties: [s("小儿发热", "Fever in children"), s("儿童哮喘", "Childhood asthma")],
    languages: ["zh", "en"],
    bioZh: "儿科副主任医师，耐心细致，擅长儿童呼吸道疾病。",
    bioEn: "Associate chief paediatrician; children's respiratory illness.",
    minutes: 15,
  },
  {
    email: "dr.zheng.hao@yunzhen.example",
    department: "paediatrics",
    nameZh: "郑浩",
    nameEn: "Zheng Hao",
    title: "resident",
    specialties: [s("儿童保健", "Child health checks"), s("喂养咨询", "Feeding advice")],
    languages: ["zh"],
    bioZh: "住院医师，负责儿童保健咨询。",
    bioEn: "Resident; child health and feeding advice.",
    minutes: 15,
  },
  {
    email: "dr.huang.li@yunzhen.example",
    department: "dermatology",
    nameZh: "黄丽",
    nameEn: "Huang Li",
    title: "attending",
    specialties: [s("湿疹", "Eczema"), s("痤疮", "Acne")],
    languages: ["zh", "en"],
    bioZh: "主治医师，擅长湿疹、痤疮的诊治。",
    bioEn: "Attending physician; eczema and acne.",
    minutes: 10,
  },
  {
    email: "dr.he.jun@yunzhen.example",
    department: "dermatology",
    nameZh: "何俊",
    nameEn: "He Jun",
    title: "associate_chief",
    specialties: [s("银屑病", "Psoriasis"), s("荨麻疹", "Urticaria")],
    languages: ["zh", "yue"],
    bioZh: "副主任医师，专注慢性皮肤病。",
    bioEn: "Associate chief physician; chronic skin disease.",
    minutes: 15,
  },
  {
    email: "dr.lin.yue@yunzhen.example",
    department: "psychology",
    nameZh: "林悦",
    nameEn: "Lin Yue",
    title: "attending",
    specialties: [s("焦虑", "Anxiety"), s("睡眠问题", "Sleep problems")],
    languages: ["zh", "en"],
    bioZh: "心理咨询师、主治医师，擅长焦虑和睡眠问题。",
    bioEn: "Counsellor and attending physician; anxiety and sleep problems.",
    minutes: 30,
  },
  {
    email: "dr.xu.siyuan@yunzhen.example",
    department: "psychology",
    nameZh: "徐思远",
    nameEn: "Xu Siyuan",
    title: "chief",
    specialties: [s("抑郁", "Depression"), s("压力管理", "Stress management")],
    languages: ["zh"],
    bioZh: "主任医师，从事心理咨询与治疗二十年。",
    bioEn: "Chief physician; twenty years of counselling and psychotherapy.",
    minutes: 30,
  },
];
